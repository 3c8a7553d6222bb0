import type { Kysely } from 'kysely';

/**
 * When an account's grant was found dead: account health reports how long it has needed
 * reconnecting. Set once when the account becomes needs_reauth, cleared when it is connected again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('needs_reauth_since', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('needs_reauth_since').execute();
}
