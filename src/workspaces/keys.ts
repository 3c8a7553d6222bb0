import { hash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { newId, ReadCache, type Database } from '../store/index.js';
import type { ApiScope } from './scopes.js';

export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface Caller {
  workspaceId: string;
  keyId: string;
  scopes: ReadonlySet<ApiScope>;
}

/**
 * How a key starts: `pin_` for Pinion's own keys; `pe_live_` for keys made for PostEverywhere's
 * clients (its SDK refuses any other), which the compatibility API at /compat/posteverywhere serves.
 */
export const KEY_PREFIXES = { pinion: 'pin_', posteverywhere: 'pe_live_' } as const;
export type KeyFormat = keyof typeof KEY_PREFIXES;
const PREFIX_CHARS_SHOWN = 8;
/** last_used_at is advisory; writing it at most once a minute keeps every request from being a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

type Row = Database['api_keys'];
const toApiKey = (r: Row): ApiKey => ({
  id: r.id,
  workspaceId: r.workspace_id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes.split(' ').filter(Boolean) as ApiScope[],
  createdAt: new Date(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
});

// Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
const hashKey = (key: string) => hash('sha256', key, 'hex');

/** Creates a key and returns it in full. This is the only time the secret exists outside the caller. */
export async function createApiKey(
  db: Kysely<Database>,
  input: { workspaceId: string; name: string; scopes: ApiScope[]; format?: KeyFormat },
): Promise<{ key: string; apiKey: ApiKey }> {
  const start = KEY_PREFIXES[input.format ?? 'pinion'];
  const key = start + randomBytes(32).toString('base64url');
  const row: Row = {
    id: newId('key'),
    workspace_id: input.workspaceId,
    name: input.name,
    prefix: key.slice(0, start.length + PREFIX_CHARS_SHOWN),
    hash: hashKey(key),
    scopes: input.scopes.join(' '),
    created_at: Date.now(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { key, apiKey: toApiKey(row) };
}

export async function listApiKeys(db: Kysely<Database>, workspaceId: string): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
  return rows.map(toApiKey);
}

export async function getApiKey(db: Kysely<Database>, workspaceId: string, id: string): Promise<ApiKey | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return row && toApiKey(row);
}

/** Any workspace's key, for operators on the command line; the API never looks keys up this way. */
export async function findApiKeyById(db: Kysely<Database>, id: string): Promise<ApiKey | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toApiKey(row);
}

/** Revokes a key of this workspace. Returns the key, or undefined when the workspace has no such key. */
export async function revokeApiKey(db: Kysely<Database>, workspaceId: string, id: string): Promise<ApiKey | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: Date.now() })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  return getApiKey(db, workspaceId, id);
}

/**
 * Every request authenticates, so a key found is kept in memory: until this process writes any
 * key (a revocation here takes effect at once), or for READ_CACHE_TTL_MS (a key revoked by another
 * process stops working within that). Unknown keys are not kept.
 */
const callers = new ReadCache<Caller | undefined>(['api_keys']);

/** The caller a bearer token stands for, or undefined for an unknown or revoked key. */
export async function authenticate(db: Kysely<Database>, token: string): Promise<Caller | undefined> {
  if (!Object.values(KEY_PREFIXES).some((start) => token.startsWith(start))) return undefined;
  const hash = hashKey(token);
  return callers.get(
    db,
    hash,
    async () => {
      const row = await db.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
      if (!row || row.revoked_at !== null) return undefined;
      const now = Date.now();
      // Checked each time the key is read again, so last_used_at stays within its resolution while the key is in use.
      if (row.last_used_at === null || now - row.last_used_at > LAST_USED_RESOLUTION_MS) {
        await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
      }
      const key = toApiKey(row);
      return { workspaceId: key.workspaceId, keyId: key.id, scopes: new Set(key.scopes) };
    },
    (caller) => caller !== undefined,
  );
}

/** Notes a use of the key made on its behalf (a dashboard session), at the same advisory resolution as `authenticate`. */
export async function markApiKeyUsed(db: Kysely<Database>, id: string): Promise<void> {
  const now = Date.now();
  await db
    .updateTable('api_keys')
    .set({ last_used_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - LAST_USED_RESOLUTION_MS)]))
    .execute();
}
