import { sql, type Kysely } from 'kysely';

/**
 * Deliveries stored before they carried their duplicate key (NULL), in an index of their own: the
 * duplicate lookup asks once a minute whether any live one remains, which without it meant reading every
 * live delivery to find none. Only keyless rows are in it, so it is empty once they are gone and costs
 * the inserts nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('deliveries_without_key').on('deliveries').column('status').where(sql.ref('duplicate_key'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('deliveries_without_key').execute();
}
