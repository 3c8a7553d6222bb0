import type { FastifyInstance } from 'fastify';
import { bodyOf, peCall, type PeCall, type PeDeps } from './context.js';
import { PeError, peValidation } from './errors.js';
import { ok } from './reply.js';

interface NativeEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  created_at: string;
  updated_at: string;
  disabled_at: string | null;
}
interface NativeWebhookDelivery {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  created_at: string;
  delivered_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  attempts: Array<{ started_at: string; duration_ms: number; status_code: number | null; error: string | null }>;
}

/**
 * PostEverywhere's event names and the Pinion events that tell the same thing. Events Pinion does
 * not send are refused by name rather than accepted and never sent.
 */
const EVENTS: Record<string, string> = {
  'post.published': 'post.published',
  'post.failed': 'post.failed',
  // Pinion tells each failed delivery (post.failed); a partly failed post is one or more of those.
  'post.partially_failed': 'post.failed',
  'account.reconnect_needed': 'account.needs_reauth',
};
type Note = { name: string | null; events: string[] };

function nativeEvents(events: unknown): string[] {
  if (!Array.isArray(events) || !events.length || !events.every((e) => typeof e === 'string'))
    throw peValidation('events', 'must be a non-empty array of event names');
  const unknown = events.filter((e) => !EVENTS[e]);
  if (unknown.length) throw peValidation('events', `has events Pinion does not send: ${unknown.join(', ')} (supported: ${Object.keys(EVENTS).join(', ')})`);
  return [...new Set(events.map((e) => EVENTS[e]!))];
}

async function view(call: PeCall, e: NativeEndpoint) {
  const note = await call.ids.dataOf<Note>('webhook', e.id);
  const log = await call.native.get<{ data: NativeWebhookDelivery[] }>(`/webhooks/${encodeURIComponent(e.id)}/deliveries?limit=100`);
  const finished = log.data.filter((d) => d.status !== 'pending');
  const streak = finished.findIndex((d) => d.status === 'succeeded');
  const lastAt = (status?: string) => finished.find((d) => !status || d.status === status)?.attempts.at(-1)?.started_at ?? null;
  return {
    id: e.id,
    url: e.url,
    events: note?.events ?? e.events,
    name: note?.name ?? null,
    description: e.description,
    is_active: e.enabled,
    consecutive_failures: streak === -1 ? finished.length : streak,
    auto_disabled_at: null,
    last_delivery_at: lastAt(),
    last_success_at: lastAt('succeeded'),
    last_failure_at: lastAt('failed'),
    created_at: e.created_at,
    updated_at: e.updated_at,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function webhookRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  const path = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

  app.get('/webhooks', async (request, reply) => {
    const call = peCall(deps, request);
    const { data } = await call.native.get<{ data: NativeEndpoint[] }>('/webhooks');
    const webhooks = [];
    for (const e of data) webhooks.push(await view(call, e));
    return ok(reply, { webhooks });
  });

  app.get<{ Params: { id: string } }>('/webhooks/:id', async (request, reply) => {
    const call = peCall(deps, request);
    return ok(reply, await view(call, await call.native.get<NativeEndpoint>(path(request.params.id))));
  });

  app.post('/webhooks', async (request, reply) => {
    const call = peCall(deps, request);
    const { url, events, name, description, ...rest } = bodyOf(request);
    if (Object.keys(rest).length) throw peValidation(Object.keys(rest)[0]!, 'is not a known field');
    if (name !== undefined && typeof name !== 'string') throw peValidation('name', 'must be a string');
    const created = await call.native.post<NativeEndpoint & { secret: string }>('/webhooks', {
      url,
      events: nativeEvents(events),
      ...(description !== undefined ? { description } : {}),
    });
    await call.ids.setData('webhook', created.id, { name: (name as string | undefined) ?? null, events: events as string[] } satisfies Note);
    return ok(
      reply,
      {
        ...(await view(call, created)),
        secret: created.secret,
        secret_warning:
          'Save this secret now: it is shown only once. Pinion signs each request with it (see the README: the signature headers differ from PostEverywhere’s).',
      },
      201,
    );
  });

  app.patch<{ Params: { id: string } }>('/webhooks/:id', async (request, reply) => {
    const call = peCall(deps, request);
    const { url, events, name, description, is_active, ...rest } = bodyOf(request);
    if (Object.keys(rest).length) throw peValidation(Object.keys(rest)[0]!, 'is not a known field');
    const patch = {
      ...(url !== undefined && { url }),
      ...(events !== undefined && { events: nativeEvents(events) }),
      ...(description !== undefined && { description }),
      ...(is_active !== undefined && { enabled: is_active }),
    };
    const current = await call.native.get<NativeEndpoint>(path(request.params.id));
    const updated = Object.keys(patch).length ? await call.native.patch<NativeEndpoint>(path(current.id), patch) : current;
    if (name !== undefined || events !== undefined) {
      const note = await call.ids.dataOf<Note>('webhook', current.id);
      await call.ids.setData('webhook', current.id, {
        name: name === undefined ? (note?.name ?? null) : (name as string | null),
        events: (events as string[] | undefined) ?? note?.events ?? current.events,
      } satisfies Note);
    }
    return ok(reply, await view(call, updated));
  });

  app.delete<{ Params: { id: string } }>('/webhooks/:id', async (request, reply) => {
    const call = peCall(deps, request);
    await call.native.delete(path(request.params.id));
    return ok(reply, { id: request.params.id, deleted: true });
  });

  // PostEverywhere answers with the test request's outcome: the test event is queued natively, then its first attempt awaited.
  app.post<{ Params: { id: string } }>('/webhooks/:id/test', async (request, reply) => {
    const call = peCall(deps, request);
    const queued = await call.native.post<NativeWebhookDelivery>(`${path(request.params.id)}/test`);
    const end = Date.now() + deps.webhookTestWaitMs;
    let delivery = queued;
    while (!delivery.attempts.length && Date.now() < end) {
      await sleep(100);
      delivery = await call.native.get<NativeWebhookDelivery>(`/webhooks/deliveries/${encodeURIComponent(queued.id)}`);
    }
    const attempt = delivery.attempts.at(-1);
    if (!attempt) {
      throw new PeError(
        504,
        'test_pending',
        `The test event is queued (delivery ${queued.id}) but no worker sent it within ${deps.webhookTestWaitMs / 1000}s; see GET /api/v1/webhooks/${request.params.id}/deliveries on Pinion's own API`,
      );
    }
    const success = attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300;
    return ok(reply, {
      ok: success,
      status: attempt.status_code ?? 0,
      duration_ms: attempt.duration_ms,
      error: success ? null : (attempt.error ?? `HTTP ${attempt.status_code}`),
      message: success ? 'The endpoint accepted the test event' : 'The endpoint did not accept the test event',
    });
  });
}
