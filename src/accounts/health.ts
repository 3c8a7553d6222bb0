import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { AccountRow } from './accounts.js';

const DAY_MS = 86_400_000;
/** How far ahead a grant that cannot be refreshed counts as expiring soon. */
export const EXPIRING_SOON_MS = 7 * DAY_MS;

/** Whether an account can be posted to now, what may stop it soon, and what its deliveries have done lately. */
export interface AccountHealth {
  status: 'healthy' | 'warning' | 'broken';
  canPost: boolean;
  /** Why the status is not healthy, in a person's words. */
  reasons: string[];
  needsReconnectionSince: number | null;
  token: {
    accessExpiresAt: number | null;
    refreshExpiresAt: number | null;
    refreshedAt: number | null;
    /** When the grant itself ends: the refresh token's expiry, or the access token's when there is no refresh token. */
    grantExpiresAt: number | null;
    expired: boolean;
    expiringSoon: boolean;
  };
  activity: {
    lastPublishedAt: number | null;
    /** Deliveries to this account whose last attempt failed in the last 7 days (retrying or given up). */
    failuresLast7d: number;
    /** Of those, the ones that will not be tried again. */
    permanentFailuresLast7d: number;
    /** Deliveries waiting to publish or being published. */
    queued: number;
  };
}

const FINAL_FAILURES = ['failed', 'needs_attention'] as const;
const QUEUED = ['scheduled', 'publishing', 'awaiting_check'] as const;

/** Reads the account's health from its row and its deliveries; asks no platform. */
export async function accountHealth(db: Kysely<Database>, row: AccountRow, now: number): Promise<AccountHealth> {
  const since = now - 7 * DAY_MS;
  const stats = await db
    .selectFrom('deliveries')
    .select((eb) => [
      eb.fn.max('published_at').as('last_published'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('last_error', 'is not', null), eb('updated_at', '>=', since), eb('status', '!=', 'published'), eb('status', '!=', 'cancelled')]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('failures'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('status', 'in', [...FINAL_FAILURES]), eb('updated_at', '>=', since)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('permanent'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when('status', 'in', [...QUEUED])
            .then(1)
            .else(0)
            .end(),
        )
        .as('queued'),
    ])
    .where('account_id', '=', row.id)
    .executeTakeFirstOrThrow();
  const grantExpiresAt = row.refresh_token !== null ? row.refresh_expires_at : row.access_expires_at;
  const expired = grantExpiresAt !== null && grantExpiresAt <= now;
  const expiringSoon = !expired && grantExpiresAt !== null && grantExpiresAt - now <= EXPIRING_SOON_MS;
  const activity = {
    lastPublishedAt: stats.last_published === null ? null : Number(stats.last_published),
    failuresLast7d: Number(stats.failures ?? 0),
    permanentFailuresLast7d: Number(stats.permanent ?? 0),
    queued: Number(stats.queued ?? 0),
  };
  const reasons: string[] = [];
  if (row.status === 'needs_reauth')
    reasons.push(`The platform no longer accepts the account's grant${row.last_error ? ` (${row.last_error})` : ''}: connect it again`);
  if (row.status === 'disconnected') reasons.push('The account was disconnected: connect it again to post');
  if (row.status === 'active' && expired)
    reasons.push(`The grant expired at ${new Date(grantExpiresAt!).toISOString()} and cannot be refreshed: connect the account again`);
  if (row.status === 'active' && expiringSoon)
    reasons.push(`The grant ends at ${new Date(grantExpiresAt!).toISOString()} and cannot be refreshed past it: connect the account again before then`);
  const n = activity.failuresLast7d;
  if (n) reasons.push(`${n} ${n === 1 ? 'delivery' : 'deliveries'} failed in the last 7 days (${activity.permanentFailuresLast7d} will not be tried again)`);
  const canPost = row.status === 'active' && !expired;
  return {
    status: !canPost ? 'broken' : reasons.length ? 'warning' : 'healthy',
    canPost,
    reasons,
    needsReconnectionSince: row.status === 'active' ? null : (row.needs_reauth_since ?? (row.status === 'disconnected' ? row.updated_at : null)),
    token: {
      accessExpiresAt: row.access_expires_at,
      refreshExpiresAt: row.refresh_expires_at,
      refreshedAt: row.refreshed_at,
      grantExpiresAt,
      expired,
      expiringSoon,
    },
    activity,
  };
}
