import type { Kysely } from 'kysely';

/**
 * Platforms beyond Pinterest: PKCE verifiers kept with the OAuth state until the callback, and
 * a delivery's saved progress (a thread's parts already published, an upload session) so a
 * publish that stops half-way resumes instead of starting again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('oauth_states').addColumn('code_verifier', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('progress', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('deliveries').dropColumn('progress').execute();
  await db.schema.alterTable('oauth_states').dropColumn('code_verifier').execute();
}
