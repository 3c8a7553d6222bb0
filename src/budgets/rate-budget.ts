import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../store/index.js';

export interface Budget {
  /** Calls allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** Calls per UTC day; 0 for none. */
  perDay: number;
}

const DAY_MS = 86_400_000;

/** Budgets are kept per account and per platform rate category, e.g. `<platform>:<category>`. */
export const budgetCategory = (platform: string, rateCategory: string) => `${platform}:${rateCategory}`;

/**
 * Per-account rate budgets shared by every worker, kept in the database. Calls are spaced at
 * least window/limit apart, which keeps any window at or under the limit however the
 * platform aligns its own windows; both checks are single atomic statements, so workers on
 * several machines never overspend.
 */
export async function reserveSlot(
  db: Kysely<Database>,
  accountId: string,
  category: string,
  budget: Budget,
  now = Date.now(),
): Promise<{ ok: true; at: number } | { ok: false; retryAt: number }> {
  const spacing = Math.ceil(budget.windowMs / budget.limit);
  const paced = await db
    .insertInto('rate_pacing')
    .values({ account_id: accountId, category, next_slot_at: now + spacing })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'category'])
        .doUpdateSet({ next_slot_at: now + spacing })
        .where('rate_pacing.next_slot_at', '<=', now),
    )
    .executeTakeFirst();
  if (Number(paced.numInsertedOrUpdatedRows ?? 0) !== 1) {
    const row = await db
      .selectFrom('rate_pacing')
      .select('next_slot_at')
      .where('account_id', '=', accountId)
      .where('category', '=', category)
      .executeTakeFirst();
    return { ok: false, retryAt: row?.next_slot_at ?? now + spacing };
  }
  if (budget.perDay > 0) {
    const day = Math.floor(now / DAY_MS);
    const counted = await db
      .insertInto('rate_daily')
      .values({ account_id: accountId, category, day, used: 1 })
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'category', 'day'])
          .doUpdateSet((eb) => ({ used: eb('rate_daily.used', '+', 1) }))
          .where('rate_daily.used', '<', budget.perDay),
      )
      .executeTakeFirst();
    if (Number(counted.numInsertedOrUpdatedRows ?? 0) !== 1) return { ok: false, retryAt: (day + 1) * DAY_MS };
  }
  return { ok: true, at: now };
}

export interface SlotRequest {
  accountId: string;
  category: string;
  budget: Budget;
}

/**
 * reserveSlot for many calls at once, answered as if each had been asked in turn: per round, one
 * upsert for the pacing rows (an account and category at most once a round, so later requests of
 * the same account come in later rounds, as they would have come later) and one per daily limit.
 */
export async function reserveSlots(
  db: Kysely<Database>,
  requests: readonly SlotRequest[],
  now = Date.now(),
): Promise<Array<{ ok: true; at: number } | { ok: false; retryAt: number }>> {
  const results: Array<{ ok: true; at: number } | { ok: false; retryAt: number }> = requests.map(() => ({ ok: true, at: now }));
  const key = (r: { account_id: string; category: string }) => `${r.account_id}\u0000${r.category}`;
  const rounds: number[][] = [];
  const seen = new Map<string, number>();
  requests.forEach((r, i) => {
    const k = key({ account_id: r.accountId, category: r.category });
    const round = seen.get(k) ?? 0;
    seen.set(k, round + 1);
    (rounds[round] ??= []).push(i);
  });
  for (const round of rounds) {
    const spaced = (i: number) => Math.ceil(requests[i]!.budget.windowMs / requests[i]!.budget.limit);
    const paced = await db
      .insertInto('rate_pacing')
      .values(round.map((i) => ({ account_id: requests[i]!.accountId, category: requests[i]!.category, next_slot_at: now + spaced(i) })))
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'category'])
          .doUpdateSet((eb) => ({ next_slot_at: eb.ref('excluded.next_slot_at') }))
          .where('rate_pacing.next_slot_at', '<=', now),
      )
      .returning(['account_id', 'category'])
      .execute();
    const passed = new Set(paced.map(key));
    const refused = round.filter((i) => !passed.has(key({ account_id: requests[i]!.accountId, category: requests[i]!.category })));
    if (refused.length) {
      const next = await nextSlots(
        db,
        refused.map((i) => requests[i]!),
        now,
      );
      refused.forEach((i, k) => (results[i] = { ok: false, retryAt: next[k]! }));
    }
    // Daily limits, for the calls the pacing let through, one upsert per limit.
    const daily = new Map<number, number[]>();
    for (const i of round)
      if (results[i]!.ok && requests[i]!.budget.perDay > 0) daily.set(requests[i]!.budget.perDay, [...(daily.get(requests[i]!.budget.perDay) ?? []), i]);
    const day = Math.floor(now / DAY_MS);
    for (const [perDay, calls] of daily) {
      const counted = await db
        .insertInto('rate_daily')
        .values(calls.map((i) => ({ account_id: requests[i]!.accountId, category: requests[i]!.category, day, used: 1 })))
        .onConflict((oc) =>
          oc
            .columns(['account_id', 'category', 'day'])
            .doUpdateSet((eb) => ({ used: eb('rate_daily.used', '+', 1) }))
            .where('rate_daily.used', '<', perDay),
        )
        .returning(['account_id', 'category'])
        .execute();
      const within = new Set(counted.map(key));
      for (const i of calls)
        if (!within.has(key({ account_id: requests[i]!.accountId, category: requests[i]!.category }))) results[i] = { ok: false, retryAt: (day + 1) * DAY_MS };
    }
  }
  return results;
}

/** When each refused request may ask again: the next slot its account and category have. */
export async function nextSlots(db: Kysely<Database>, refused: readonly SlotRequest[], now: number): Promise<number[]> {
  const key = (accountId: string, category: string) => `${accountId}\u0000${category}`;
  const rows = await db
    .selectFrom('rate_pacing')
    .select(['account_id', 'category', 'next_slot_at'])
    .where('account_id', 'in', [...new Set(refused.map((r) => r.accountId))])
    .execute();
  const next = new Map(rows.map((r) => [key(r.account_id, r.category), r.next_slot_at]));
  return refused.map((r) => next.get(key(r.accountId, r.category)) ?? now + Math.ceil(r.budget.windowMs / r.budget.limit));
}

/**
 * Whether reserveSlots answers these requests in one round with one statement: each account and
 * category asked once, and no daily limit to count. Then pacingUpsert is all it does.
 */
export function inOneRound(requests: readonly SlotRequest[]): boolean {
  const keys = new Set(requests.map((r) => `${r.accountId}\u0000${r.category}`));
  return keys.size === requests.length && requests.every((r) => r.budget.perDay === 0);
}

/**
 * reserveSlots' pacing upsert for requests inOneRound, on PostgreSQL, as SQL to place in a statement
 * that also writes what the slots are for (the publish pass records its attempts in the same one).
 * Returns the account and category of each slot reserved (at `now`); the others were refused (see nextSlots).
 */
export function pacingUpsert(requests: readonly SlotRequest[], now: number): RawBuilder<{ account_id: string; category: string }> {
  const rows = requests.map((r) => ({ account_id: r.accountId, category: r.category, next_slot_at: now + Math.ceil(r.budget.windowMs / r.budget.limit) }));
  return sql`insert into rate_pacing (account_id, category, next_slot_at)
    select * from json_to_recordset(${JSON.stringify(rows)}::json) as r(account_id text, category text, next_slot_at bigint)
    on conflict (account_id, category) do update set next_slot_at = excluded.next_slot_at where rate_pacing.next_slot_at <= ${now}
    returning account_id, category`;
}

/** The platform said "too many": nobody calls for this account and category until `until`. */
export async function holdUntil(db: Kysely<Database>, accountId: string, category: string, until: number): Promise<void> {
  await db
    .insertInto('rate_pacing')
    .values({ account_id: accountId, category, next_slot_at: until })
    .onConflict((oc) => oc.columns(['account_id', 'category']).doUpdateSet({ next_slot_at: until }).where('rate_pacing.next_slot_at', '<', until))
    .execute();
}
