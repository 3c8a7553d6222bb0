import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { WebhookDeliveryStatus } from '../store/schema.js';
import { newDelivery } from './events.js';

export interface Attempt {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

/** One event to one endpoint, with its delivery log. */
export interface Delivery {
  id: string;
  endpointId: string;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  event: { id: string; type: string; createdAt: Date; data: Record<string, unknown> };
  attempts: Attempt[];
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Deliveries of the workspace with their event, joined through the endpoint so isolation holds. */
function deliveriesOf(db: Kysely<Database>, workspaceId: string) {
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .innerJoin('webhook_events as e', 'e.id', 'd.event_id')
    .where('w.workspace_id', '=', workspaceId)
    .select([
      'd.id',
      'd.endpoint_id',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.last_status_code',
      'd.last_error',
      'd.created_at',
      'd.delivered_at',
      'e.id as event_id',
      'e.type as event_type',
      'e.payload as event_payload',
      'e.created_at as event_created_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof deliveriesOf>['execute']>>[number];

async function withAttempts(db: Kysely<Database>, rows: Row[]): Promise<Delivery[]> {
  const ids = rows.map((r) => r.id);
  const attempts = ids.length ? await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('attempt').execute() : [];
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpoint_id,
    status: r.status,
    attemptCount: r.attempts,
    nextAttemptAt: r.status === 'pending' ? date(r.next_attempt_at) : null,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
    deliveredAt: date(r.delivered_at),
    event: { id: r.event_id, type: r.event_type, createdAt: new Date(r.event_created_at), data: JSON.parse(r.event_payload) as Record<string, unknown> },
    attempts: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        attempt: a.attempt,
        startedAt: new Date(a.started_at),
        durationMs: a.duration_ms,
        statusCode: a.status_code,
        error: a.error,
        responseExcerpt: a.response_excerpt,
      })),
  }));
}

/** The endpoint's deliveries, newest first; `cursor` is the last id of the previous page. */
export async function listDeliveries(
  db: Kysely<Database>,
  workspaceId: string,
  endpointId: string,
  opts: { status?: WebhookDeliveryStatus; cursor?: string; limit: number },
): Promise<{ data: Delivery[]; nextCursor: string | null }> {
  let query = deliveriesOf(db, workspaceId).where('d.endpoint_id', '=', endpointId);
  if (opts.status) query = query.where('d.status', '=', opts.status);
  if (opts.cursor) query = query.where('d.id', '<', opts.cursor);
  const rows = await query
    .orderBy('d.id', 'desc')
    .limit(opts.limit + 1)
    .execute();
  const page = rows.slice(0, opts.limit);
  return { data: await withAttempts(db, page), nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
}

export async function getDelivery(db: Kysely<Database>, workspaceId: string, id: string): Promise<Delivery | undefined> {
  const row = await deliveriesOf(db, workspaceId).where('d.id', '=', id).executeTakeFirst();
  return row && (await withAttempts(db, [row]))[0];
}

/**
 * Sends a delivery again. A pending one is moved to the front of the queue (its retry budget
 * unchanged); a finished one gets a fresh delivery of the same event, with its own attempts and
 * full retry budget, so the original's log stays as it was. Receivers dedupe on the event id.
 */
export async function redeliver(db: Kysely<Database>, workspaceId: string, id: string): Promise<Delivery | undefined> {
  const current = await getDelivery(db, workspaceId, id);
  if (!current) return undefined;
  const now = Date.now();
  if (current.status === 'pending') {
    const moved = await db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now, updated_at: now })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    // Finished meanwhile: fall through to a fresh delivery.
    if (Number(moved.numUpdatedRows) === 1) return getDelivery(db, workspaceId, id);
  }
  const fresh = newDelivery(current.event.id, current.endpointId, now);
  await db.insertInto('webhook_deliveries').values(fresh).execute();
  return getDelivery(db, workspaceId, fresh.id);
}
