import type { Kysely } from 'kysely';
import type { TokenVault } from '../accounts/index.js';
import { newId, type Database, type WebhookFormat } from '../store/index.js';
import { newSecret } from './signing.js';

export type EndpointRow = Database['webhook_endpoints'];

/** An endpoint as Pinion shows it: never with its secret. */
export interface WebhookEndpoint {
  id: string;
  workspaceId: string;
  url: string;
  description: string | null;
  events: string[];
  format: WebhookFormat;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  disabledAt: Date | null;
  /** Until when the secret replaced by the last rotation still signs too; null when it does not. */
  previousSecretUntil: Date | null;
}

export const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  workspaceId: r.workspace_id,
  url: r.url,
  description: r.description,
  events: r.events.split(' ').filter(Boolean),
  format: r.format,
  enabled: r.enabled === 1,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
  disabledAt: r.disabled_at === null ? null : new Date(r.disabled_at),
  previousSecretUntil: r.previous_secret_until !== null && r.previous_secret_until > Date.now() ? new Date(r.previous_secret_until) : null,
});

// `*` subsumes everything else, so it is stored alone.
const eventsColumn = (events: string[]) => (events.includes('*') ? '*' : [...new Set(events)].join(' '));

/** Creates an endpoint; the returned secret is the only time it exists in the clear. */
export async function createEndpoint(
  db: Kysely<Database>,
  vault: TokenVault,
  input: { workspaceId: string; url: string; events: string[]; description?: string | null; format?: WebhookFormat },
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  const now = Date.now();
  const id = newId('whk', now);
  const secret = newSecret();
  const row: EndpointRow = {
    id,
    workspace_id: input.workspaceId,
    url: input.url,
    description: input.description ?? null,
    events: eventsColumn(input.events),
    secret: vault.encrypt(secret, id),
    previous_secret: null,
    previous_secret_until: null,
    format: input.format ?? 'pinion',
    enabled: 1,
    created_at: now,
    updated_at: now,
    disabled_at: null,
  };
  await db.insertInto('webhook_endpoints').values(row).execute();
  return { endpoint: toEndpoint(row), secret };
}

/** The endpoint of this workspace, or undefined: other workspaces' endpoints do not exist here. */
export const getEndpointRow = (db: Kysely<Database>, workspaceId: string, id: string) =>
  db.selectFrom('webhook_endpoints').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();

export async function listEndpoints(db: Kysely<Database>, workspaceId: string): Promise<WebhookEndpoint[]> {
  const rows = await db.selectFrom('webhook_endpoints').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
  return rows.map(toEndpoint);
}

export async function updateEndpoint(
  db: Kysely<Database>,
  workspaceId: string,
  id: string,
  patch: { url?: string; events?: string[]; description?: string | null; enabled?: boolean; format?: WebhookFormat },
): Promise<WebhookEndpoint | undefined> {
  const current = await getEndpointRow(db, workspaceId, id);
  if (!current) return undefined;
  const now = Date.now();
  const enabled = patch.enabled === undefined ? current.enabled : patch.enabled ? 1 : 0;
  await db
    .updateTable('webhook_endpoints')
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.events !== undefined ? { events: eventsColumn(patch.events) } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.format !== undefined ? { format: patch.format } : {}),
      enabled,
      disabled_at: enabled ? null : (current.disabled_at ?? now),
      updated_at: now,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .execute();
  const row = await getEndpointRow(db, workspaceId, id);
  return row && toEndpoint(row);
}

/** Deletes the endpoint with its deliveries and their log (cascade); true if it existed. */
export async function deleteEndpoint(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/**
 * Replaces the secret. With `keepPreviousSeconds`, requests are signed with both the new and the
 * old secret until then, so receivers can switch over without missing a delivery; with 0 the
 * old one stops at once. Rotating again during an overlap drops the older secret.
 */
export async function rotateSecret(
  db: Kysely<Database>,
  vault: TokenVault,
  workspaceId: string,
  id: string,
  options: { keepPreviousSeconds?: number } = {},
): Promise<{ endpoint: WebhookEndpoint; secret: string } | undefined> {
  const current = await getEndpointRow(db, workspaceId, id);
  if (!current) return undefined;
  const secret = newSecret();
  const now = Date.now();
  const keep = options.keepPreviousSeconds ?? 0;
  const result = await db
    .updateTable('webhook_endpoints')
    .set({
      secret: vault.encrypt(secret, id),
      previous_secret: keep > 0 ? current.secret : null,
      previous_secret_until: keep > 0 ? now + keep * 1000 : null,
      updated_at: now,
    })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    // Two rotations at once: one wins, the other reports not found rather than keep a secret nobody saw.
    .where('secret', '=', current.secret)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return undefined;
  const row = await getEndpointRow(db, workspaceId, id);
  return row && { endpoint: toEndpoint(row), secret };
}
