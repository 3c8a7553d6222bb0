import type { Kysely } from 'kysely';
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
export async function reserveSlot(db: Kysely<Database>, accountId: string, category: string, budget: Budget, now = Date.now()): Promise<{ ok: true; at: number } | { ok: false; retryAt: number }> {
  const spacing = Math.ceil(budget.windowMs / budget.limit);
  const paced = await db
    .insertInto('rate_pacing')
    .values({ account_id: accountId, category, next_slot_at: now + spacing })
    .onConflict((oc) => oc.columns(['account_id', 'category']).doUpdateSet({ next_slot_at: now + spacing }).where('rate_pacing.next_slot_at', '<=', now))
    .executeTakeFirst();
  if (Number(paced.numInsertedOrUpdatedRows ?? 0) !== 1) {
    const row = await db.selectFrom('rate_pacing').select('next_slot_at').where('account_id', '=', accountId).where('category', '=', category).executeTakeFirst();
    return { ok: false, retryAt: row?.next_slot_at ?? now + spacing };
  }
  if (budget.perDay > 0) {
    const day = Math.floor(now / DAY_MS);
    const counted = await db
      .insertInto('rate_daily')
      .values({ account_id: accountId, category, day, used: 1 })
      .onConflict((oc) => oc.columns(['account_id', 'category', 'day']).doUpdateSet((eb) => ({ used: eb('rate_daily.used', '+', 1) })).where('rate_daily.used', '<', budget.perDay))
      .executeTakeFirst();
    if (Number(counted.numInsertedOrUpdatedRows ?? 0) !== 1) return { ok: false, retryAt: (day + 1) * DAY_MS };
  }
  return { ok: true, at: now };
}

/** The platform said "too many": nobody calls for this account and category until `until`. */
export async function holdUntil(db: Kysely<Database>, accountId: string, category: string, until: number): Promise<void> {
  await db
    .insertInto('rate_pacing')
    .values({ account_id: accountId, category, next_slot_at: until })
    .onConflict((oc) => oc.columns(['account_id', 'category']).doUpdateSet({ next_slot_at: until }).where('rate_pacing.next_slot_at', '<', until))
    .execute();
}
