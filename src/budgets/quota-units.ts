import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';

/**
 * Daily quotas counted in units and shared by every account and worker using one app at a
 * platform (a project's allowance): each call's cost is taken before the call, in one atomic
 * statement, so two workers can never together pass the limit. The day is a label the caller
 * gives in the platform's own zone, so the quota resets when the platform's day does.
 */
export interface QuotaUnits {
  /** Takes `units` from `bucket` for `day` if the day's total stays within `limit`; otherwise takes nothing. */
  take(bucket: string, day: string, units: number, limit: number): Promise<{ ok: boolean; used: number }>;
  /** The platform said the allowance is spent (used elsewhere too): count the day as used up. */
  exhaust(bucket: string, day: string, limit: number): Promise<void>;
  /** Units used so far that day. */
  used(bucket: string, day: string): Promise<number>;
}

export function quotaUnits(db: Kysely<Database>): QuotaUnits {
  const used = async (bucket: string, day: string) => {
    const row = await db.selectFrom('quota_units').select('used').where('bucket', '=', bucket).where('day', '=', day).executeTakeFirst();
    return Number(row?.used ?? 0);
  };
  return {
    used,
    async take(bucket, day, units, limit) {
      if (units > limit) return { ok: false, used: await used(bucket, day) };
      const taken = await db
        .insertInto('quota_units')
        .values({ bucket, day, used: units })
        .onConflict((oc) =>
          oc
            .columns(['bucket', 'day'])
            .doUpdateSet((eb) => ({ used: eb('quota_units.used', '+', units) }))
            .where('quota_units.used', '<=', limit - units),
        )
        .executeTakeFirst();
      const ok = Number(taken.numInsertedOrUpdatedRows ?? 0) === 1;
      return { ok, used: await used(bucket, day) };
    },
    async exhaust(bucket, day, limit) {
      await db
        .insertInto('quota_units')
        .values({ bucket, day, used: limit })
        .onConflict((oc) => oc.columns(['bucket', 'day']).doUpdateSet({ used: limit }).where('quota_units.used', '<', limit))
        .execute();
    },
  };
}
