import type { Kysely } from 'kysely';
import { Duration } from 'luxon';
import type { FieldIssue } from '../shared/index.js';
import type { Database } from '../store/index.js';
import type { PostRequest } from './request.js';
import { planSeason, type SeasonPlan } from './season.js';
import { getQueue, nextFreeSlot } from './slots.js';
import type { resolveScheduledAt } from './schedule-time.js';

export type { SeasonPlan };

const NEXT_SLOT = 'next_slot';
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

/**
 * When a post goes: an exact time, the account's next queue slot, or a season's lead time.
 * `lateWarning` is asked once the time is final (a queue slot is known only after accounts are chosen).
 */
export function planTiming(request: PostRequest, now: number, resolve: typeof resolveScheduledAt) {
  const queued = request.queue === true || request.scheduled_at === NEXT_SLOT;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  if (request.queue === true && request.scheduled_at !== undefined && request.scheduled_at !== NEXT_SLOT) {
    errors.push({ field: 'queue', message: 'a queued post takes the next free slot; leave scheduled_at out (or set it to "next_slot")' });
  }
  const season = request.season ? planSeason(request.season, request.timezone ?? 'UTC', now) : undefined;
  errors.push(...(season?.errors ?? []));
  let at = now;
  if (!queued) {
    const exact = resolve(request, now);
    errors.push(...exact.errors);
    warnings.push(...exact.warnings);
    at = exact.at;
    if (request.scheduled_at === undefined && season?.plan) at = Math.max(season.plan.publishBy, now);
  }
  const plan = season?.plan;
  return {
    at,
    queued,
    errors,
    warnings,
    season: plan,
    lateWarning(final: number): FieldIssue[] {
      if (!plan || final <= plan.publishBy) return [];
      return [
        {
          field: request.scheduled_at !== undefined ? 'scheduled_at' : 'season',
          message: `goes out at ${dayOf(final)}, later than the ${plan.leadDays}-day lead time for ${plan.eventName} (${plan.eventDate}): seasonal content should be out by ${dayOf(plan.publishBy)}`,
        },
      ];
    },
  };
}

/** Several destinations of one account (boards): each one `interval` after the one before. */
export function spaceDestinations(request: PostRequest, deliveries: Array<{ account: { id: string }; offsetMs: number }>): FieldIssue[] {
  let step = 0;
  if (request.interval !== undefined) {
    const d = Duration.fromISO(request.interval);
    if (!d.isValid || d.toMillis() <= 0) return [{ field: 'interval', message: 'must be a positive ISO 8601 duration, e.g. P3D (3 days) or PT6H (6 hours)' }];
    step = d.toMillis();
  }
  const seen = new Map<string, number>();
  for (const d of deliveries) {
    const n = seen.get(d.account.id) ?? 0;
    d.offsetMs = n * step;
    seen.set(d.account.id, n + 1);
  }
  return [];
}

/** The next free queue slot of the first account (among the post's) that has a queue. */
export async function takeNextSlot(
  db: Kysely<Database>,
  deliveries: Array<{ account: { id: string; username: string } }>,
  now: number,
  taken: { postId?: string; reserved?: ReadonlySet<number> } = {},
): Promise<{ at?: number; error?: FieldIssue }> {
  for (const { account } of deliveries) {
    const queue = await getQueue(db, account.id);
    if (!queue) continue;
    const at = await nextFreeSlot(db, account.id, queue, now, taken);
    if (at === undefined)
      return {
        error: {
          field: 'scheduled_at',
          message: `account ${account.username} has no free queue slot in the coming year; add slots with PUT /api/v1/accounts/${account.id}/slots`,
        },
      };
    return { at };
  }
  const first = deliveries[0]!.account;
  return {
    error: {
      field: 'scheduled_at',
      message: `account ${first.username} has no queue slots; set them with PUT /api/v1/accounts/${first.id}/slots, or give a time`,
    },
  };
}
