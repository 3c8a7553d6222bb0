import type { Kysely, Transaction } from 'kysely';
import { newId, type Database } from '../store/index.js';

export type EventType = 'post.published' | 'post.failed' | 'post.needs_attention' | 'post.link_broken' | 'account.needs_reauth' | 'account.expiring';
export const EVENT_TYPES: readonly EventType[] = [
  'post.published',
  'post.failed',
  'post.needs_attention',
  'post.link_broken',
  'account.needs_reauth',
  'account.expiring',
];
/** Sent only by `POST /webhooks/:id/test`, never subscribed to. */
export const TEST_EVENT = 'webhook.test';

/** Does an endpoint's `events` column (space-separated, `*` = all) include this type? */
export const subscribes = (events: string, type: string): boolean => {
  const list = events.split(' ');
  return list.includes('*') || list.includes(type);
};

/**
 * Outbox insert: one event row and one pending delivery per enabled endpoint of the workspace
 * subscribed to `type`. Pass a transaction to emit atomically with the state change the event
 * reports; given the plain database it opens its own, so an event never lacks its deliveries.
 */
export async function emitEvent(db: Kysely<Database>, event: { workspaceId: string; type: EventType; data: Record<string, unknown> }): Promise<string> {
  return (await insertEvent(db, event)).eventId;
}

export async function insertEvent(
  db: Kysely<Database>,
  event: { workspaceId: string; type: string; data: Record<string, unknown>; onlyEndpointId?: string },
): Promise<{ eventId: string; deliveryIds: string[] }> {
  if (!db.isTransaction) return db.transaction().execute((trx) => insertEvent(trx, event));
  const trx = db as Transaction<Database>;
  const now = Date.now();
  const eventId = newId('evt', now);
  await trx
    .insertInto('webhook_events')
    .values({ id: eventId, workspace_id: event.workspaceId, type: event.type, payload: JSON.stringify(event.data), created_at: now })
    .execute();
  let query = trx.selectFrom('webhook_endpoints').select(['id', 'events']).where('workspace_id', '=', event.workspaceId);
  query = event.onlyEndpointId ? query.where('id', '=', event.onlyEndpointId) : query.where('enabled', '=', 1);
  const endpoints = (await query.execute()).filter((e) => event.onlyEndpointId || subscribes(e.events, event.type));
  const deliveries = endpoints.map((e) => newDelivery(eventId, e.id, now));
  if (deliveries.length) await trx.insertInto('webhook_deliveries').values(deliveries).execute();
  return { eventId, deliveryIds: deliveries.map((d) => d.id) };
}

/**
 * emitEvent for many events in one transaction: one insert of the events, one read of the
 * endpoints of their workspaces, one insert of the deliveries (what a publish pass recording a
 * batch of outcomes needs). Returns the event ids in order.
 */
export async function emitEvents(
  db: Kysely<Database>,
  events: ReadonlyArray<{ workspaceId: string; type: EventType; data: Record<string, unknown> }>,
): Promise<string[]> {
  if (!events.length) return [];
  if (!db.isTransaction) return db.transaction().execute((trx) => emitEvents(trx, events));
  const now = Date.now();
  const rows = events.map((e) => ({ id: newId('evt', now), workspace_id: e.workspaceId, type: e.type, payload: JSON.stringify(e.data), created_at: now }));
  await db.insertInto('webhook_events').values(rows).execute();
  const workspaces = [...new Set(events.map((e) => e.workspaceId))];
  const endpoints = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'workspace_id', 'events'])
    .where('workspace_id', 'in', workspaces)
    .where('enabled', '=', 1)
    .execute();
  const deliveries = rows.flatMap((r) =>
    endpoints.filter((e) => e.workspace_id === r.workspace_id && subscribes(e.events, r.type)).map((e) => newDelivery(r.id, e.id, now)),
  );
  if (deliveries.length) await db.insertInto('webhook_deliveries').values(deliveries).execute();
  return rows.map((r) => r.id);
}

export const newDelivery = (eventId: string, endpointId: string, now = Date.now()): Database['webhook_deliveries'] => ({
  id: newId('whd', now),
  event_id: eventId,
  endpoint_id: endpointId,
  status: 'pending',
  attempts: 0,
  next_attempt_at: now,
  lease_until: null,
  lease_owner: null,
  last_status_code: null,
  last_error: null,
  created_at: now,
  updated_at: now,
  delivered_at: null,
});
