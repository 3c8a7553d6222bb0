import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/index.js';

/** Kinds with numbers (PostEverywhere's integer ids) and kinds with only notes (what Pinion's objects lack). */
export type NumberedKind = 'account' | 'campaign';
export type NotedKind = 'webhook' | 'upload' | 'media';
export type IdKind = NumberedKind | NotedKind;
const kindOf = (kind: IdKind) => `posteverywhere.${kind}`;

/**
 * PostEverywhere's accounts and campaigns have integer ids: each Pinion id gets a number the first
 * time it is shown, kept in the database so it never changes and is never reused. Also keeps what
 * PostEverywhere's objects carry and Pinion's do not (a webhook's name, an upload's file name).
 */
export class CompatIds {
  constructor(private readonly db: Kysely<Database>) {}

  async numberOf(kind: NumberedKind, pinionId: string): Promise<number> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const row = await this.db.selectFrom('compat_ids').select('number').where('kind', '=', kindOf(kind)).where('pinion_id', '=', pinionId).executeTakeFirst();
      if (row?.number != null) return Number(row.number);
      // The next number in one statement; two at once collide on the unique number, the loser inserts nothing and tries again.
      await sql`insert into compat_ids (kind, pinion_id, number, data, created_at)
        select ${kindOf(kind)}, ${pinionId}, coalesce(max(number), 0) + 1, null, ${Date.now()} from compat_ids where kind = ${kindOf(kind)}
        on conflict do nothing`.execute(this.db);
    }
    throw new Error(`Could not number ${kind} ${pinionId}`);
  }

  async pinionIdOf(kind: NumberedKind, number: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('compat_ids').select('pinion_id').where('kind', '=', kindOf(kind)).where('number', '=', number).executeTakeFirst();
    return row?.pinion_id;
  }

  async dataOf<T>(kind: NotedKind, pinionId: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('compat_ids').select('data').where('kind', '=', kindOf(kind)).where('pinion_id', '=', pinionId).executeTakeFirst();
    return row?.data ? (JSON.parse(row.data) as T) : undefined;
  }

  async setData(kind: NotedKind, pinionId: string, data: unknown): Promise<void> {
    const json = JSON.stringify(data);
    await this.db
      .insertInto('compat_ids')
      .values({ kind: kindOf(kind), pinion_id: pinionId, number: null, data: json, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['kind', 'pinion_id']).doUpdateSet({ data: json }))
      .execute();
  }
}
