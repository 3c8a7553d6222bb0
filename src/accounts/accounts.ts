import type { Kysely } from 'kysely';
import type { AccountIdentity, TokenSet } from '../connectors/index.js';
import { newId, ReadCache, type Database } from '../store/index.js';
import type { AccountStatus } from '../store/schema.js';
import type { TokenVault } from './vault.js';

export type AccountRow = Database['accounts'];

/** A connected account as Pinion shows it: never with its tokens. */
export interface Account {
  id: string;
  workspaceId: string;
  platform: string;
  externalId: string;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
  accountType: string | null;
  status: AccountStatus;
  scopes: string[];
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  refreshedAt: Date | null;
  lastError: string | null;
  /** IANA zone the account lives in; null: the workspace's (UTC). */
  timezone: string | null;
  createdAt: Date;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  workspaceId: r.workspace_id,
  platform: r.platform,
  externalId: r.external_id,
  username: r.username,
  displayName: r.display_name,
  avatarUrl: r.avatar_url,
  accountType: r.account_type,
  status: r.status,
  scopes: r.scopes.split(' ').filter(Boolean),
  accessExpiresAt: date(r.access_expires_at),
  refreshExpiresAt: date(r.refresh_expires_at),
  refreshedAt: date(r.refreshed_at),
  lastError: r.last_error,
  timezone: r.timezone,
  createdAt: new Date(r.created_at),
});

/** Token columns for a new token set, sealed to this account's id. */
export function sealedTokens(vault: TokenVault, accountId: string, tokens: TokenSet) {
  return {
    access_token: vault.encrypt(tokens.accessToken, accountId),
    refresh_token: tokens.refreshToken === null ? null : vault.encrypt(tokens.refreshToken, accountId),
    access_expires_at: tokens.accessExpiresAt?.getTime() ?? null,
    refresh_expires_at: tokens.refreshExpiresAt?.getTime() ?? null,
    scopes: tokens.scopes.join(' '),
  };
}

/**
 * Stores a freshly connected account. Connecting the same platform account again in the same
 * workspace updates it in place (new tokens, active again), keeping its id and history.
 */
export async function saveConnectedAccount(
  db: Kysely<Database>,
  vault: TokenVault,
  input: { workspaceId: string; platform: string; identity: AccountIdentity; tokens: TokenSet },
): Promise<Account> {
  const now = Date.now();
  const existing = await db
    .selectFrom('accounts')
    .select('id')
    .where('workspace_id', '=', input.workspaceId)
    .where('platform', '=', input.platform)
    .where('external_id', '=', input.identity.externalId)
    .executeTakeFirst();
  const id = existing?.id ?? newId('acc');
  const profile = {
    username: input.identity.username,
    display_name: input.identity.displayName,
    avatar_url: input.identity.avatarUrl,
    account_type: input.identity.accountType,
    status: 'active' as const,
    needs_reauth_since: null,
    ...sealedTokens(vault, id, input.tokens),
    refreshed_at: now,
    last_error: null,
    refresh_lock_until: null,
    refresh_lock_owner: null,
    updated_at: now,
  };
  if (existing) {
    await db
      .updateTable('accounts')
      .set((eb) => ({ ...profile, token_version: eb('token_version', '+', 1) }))
      .where('id', '=', id)
      .execute();
  } else {
    await db
      .insertInto('accounts')
      .values({
        id,
        workspace_id: input.workspaceId,
        platform: input.platform,
        external_id: input.identity.externalId,
        token_version: 0,
        boards_fetched_at: null,
        created_at: now,
        ...profile,
      })
      .onConflict((oc) => oc.columns(['workspace_id', 'platform', 'external_id']).doUpdateSet(profile))
      .execute();
  }
  return toAccount((await getAccountRow(db, input.workspaceId, id))!);
}

export async function getAccountRow(db: Kysely<Database>, workspaceId: string, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Every post made reads its workspace's accounts: kept in memory until this process writes an
 * account (connected, disconnected, a token refreshed or found dead), or READ_CACHE_TTL_MS for
 * another process's writes.
 */
const accountLists = new ReadCache<Account[]>(['accounts']);

export async function listAccounts(db: Kysely<Database>, workspaceId: string, filter: { platform?: string; status?: AccountStatus } = {}): Promise<Account[]> {
  const list = await accountLists.get(db, `${workspaceId}\n${filter.platform ?? ''}\n${filter.status ?? ''}`, async () => {
    let q = db.selectFrom('accounts').selectAll().where('workspace_id', '=', workspaceId);
    if (filter.platform) q = q.where('platform', '=', filter.platform);
    if (filter.status) q = q.where('status', '=', filter.status);
    return (await q.orderBy('id').execute()).map(toAccount);
  });
  // A new list of the same accounts: callers may sort or filter what they are given.
  return [...list];
}

/** Forgets the tokens; the row stays so posts keep their history and a reconnect reuses it. */
export async function disconnectAccount(db: Kysely<Database>, workspaceId: string, id: string): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({
      status: 'disconnected',
      access_token: null,
      refresh_token: null,
      access_expires_at: null,
      refresh_expires_at: null,
      token_version: eb('token_version', '+', 1),
      updated_at: Date.now(),
    }))
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
}

/** Sets (or, with null, clears) the account's own time zone; the caller has checked it is an IANA zone. */
export async function setAccountTimeZone(db: Kysely<Database>, workspaceId: string, id: string, timezone: string | null): Promise<void> {
  await db.updateTable('accounts').set({ timezone, updated_at: Date.now() }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
}
