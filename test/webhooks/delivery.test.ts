import { ManualClock } from '../../src/shared/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs, emitEvent, signature, webhookPasses, type WebhookSendConfig } from '../../src/webhooks/index.js';
import type { BackgroundPass } from '../../src/shared/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { runUntil, startReceiver, verify } from './receiver.js';

// The receiver listens on loopback, which Pinion sends to only when allowlisted.
const FAST: WebhookSendConfig = { baseDelayMs: 40, maxDelayMs: 200, maxAttempts: 4, timeoutMs: 2000, idleIntervalMs: 20, allowHosts: ['127.0.0.1'] };

describe('the retry schedule', () => {
  it('doubles from 30 s up to 6 h, with at most 20 % jitter either way', () => {
    const c = { baseDelayMs: 30_000, maxDelayMs: 6 * 3600_000, jitter: 0.2 };
    expect([1, 2, 3, 11, 12].map((n) => backoffMs(n, c, () => 0.5))).toEqual([30_000, 60_000, 120_000, 6 * 3600_000, 6 * 3600_000]);
    expect(backoffMs(1, c, () => 0)).toBe(24_000);
    expect(backoffMs(1, c, () => 1)).toBe(36_000);
  });
});

describe.each(DIALECTS)('delivering webhooks on %s', (dialect) => {
  let p: TestPinion | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    await p?.close();
    p = receiver = undefined;
  });

  async function setup(config: WebhookSendConfig = FAST, events: string[] = ['*']) {
    p = await startTestPinion({ dialect, sandbox: {} });
    receiver = await startReceiver();
    const endpoint = await (await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events } })).json();
    const workspaceId = (await (await p.api('GET', '/api/v1/workspace')).json()).id as string;
    const pass = (): BackgroundPass =>
      webhookPasses({ db: p!.store.db, vault: p!.accounts.vault, log: p!.log, config }).find((x) => x.name === 'send-webhooks')!;
    const deliveries = async (query = '') =>
      (await (await p!.api('GET', `/api/v1/webhooks/${endpoint.id}/deliveries${query}`)).json()) as { data: any[]; next_cursor: string | null };
    const emit = (type: 'post.published' | 'post.failed' = 'post.published', data: Record<string, unknown> = { post_id: 'pst_1' }) =>
      emitEvent(p!.store.db, { workspaceId, type, data });
    return { endpoint, workspaceId, pass, deliveries, emit, receiver: receiver! };
  }

  it('posts the event signed with the endpoint secret, and the receiver can verify it', async () => {
    const { endpoint, pass, emit, receiver, deliveries } = await setup();
    const eventId = await emit('post.published', { post_id: 'pst_9', url: 'https://pinterest.com/pin/1' });
    expect(eventId).toMatch(/^evt_/);
    await runUntil(pass(), () => receiver.requests.length === 1);

    const [req] = receiver.requests;
    expect(req!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Pinion-Webhooks/1',
      'pinion-event-id': eventId,
      'pinion-event-type': 'post.published',
      'pinion-delivery-id': expect.stringMatching(/^whd_/),
    });
    const body = JSON.parse(req!.body);
    expect(body).toEqual({
      id: eventId,
      type: 'post.published',
      created_at: expect.any(String),
      data: { post_id: 'pst_9', url: 'https://pinterest.com/pin/1' },
    });
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
    expect(verify(endpoint.secret, req!)).toBe(true);
    expect(verify('whsec_wrong', req!)).toBe(false);
    expect(verify(endpoint.secret, { ...req!, body: req!.body.replace('pst_9', 'pst_8') })).toBe(false);
    const t = Number(/t=(\d+)/.exec(String(req!.headers['pinion-signature']))![1]);
    expect(req!.headers['pinion-signature']).toBe(`t=${t},v1=${signature(endpoint.secret, t, req!.body)}`);

    const { data } = await deliveries();
    expect(data[0]).toMatchObject({
      status: 'succeeded',
      attempt_count: 1,
      last_status_code: 200,
      next_attempt_at: null,
      event: { id: eventId, type: 'post.published' },
    });
    expect(data[0].attempts).toEqual([expect.objectContaining({ attempt: 1, status_code: 200, error: null })]);
    expect(data[0].attempts[0].response_excerpt.length).toBeLessThanOrEqual(1024);
    expect(p!.logs.join('')).not.toContain(endpoint.secret);
    await pass().run(new AbortController().signal);
    expect(receiver.requests.length).toBe(1);
  });

  it('signs with the old secret too while a rotation overlap lasts, then with the new one alone', async () => {
    const { endpoint, emit, receiver } = await setup();
    const rotate = async (body?: unknown) => (await p!.api('POST', `/api/v1/webhooks/${endpoint.id}/rotate-secret`, { body })).json();
    const overlap = await rotate({ keep_previous_seconds: 2 });
    // The sender's clock, moved by hand past the overlap: nothing here sleeps.
    const clock = new ManualClock(Date.now());
    const passes = webhookPasses({ db: p!.store.db, vault: p!.accounts.vault, log: p!.log, config: FAST, clock });
    const sender = passes.find((x) => x.name === 'send-webhooks')!;
    expect(Date.parse(overlap.previous_secret_expires_at) - Date.now()).toBeGreaterThan(1000);
    expect((await (await p!.api('GET', `/api/v1/webhooks/${endpoint.id}`)).json()).previous_secret_expires_at).toBe(overlap.previous_secret_expires_at);
    // Events are stamped by the system clock; the sender's clock catches up to them.
    const catchUp = () => clock.advance(Math.max(0, Date.now() - clock.now()));
    await emit();
    await catchUp();
    await runUntil(sender, () => receiver.requests.length === 1);
    const during = receiver.requests[0]!;
    const t = Number(/t=(\d+)/.exec(String(during.headers['pinion-signature']))![1]);
    // New secret first, so a receiver holding either can verify.
    expect(during.headers['pinion-signature']).toBe(`t=${t},v1=${signature(overlap.secret, t, during.body)},v1=${signature(endpoint.secret, t, during.body)}`);
    expect(verify(overlap.secret, during) && verify(endpoint.secret, during)).toBe(true);

    await clock.advance(2100);
    await emit();
    await catchUp();
    await runUntil(sender, () => receiver.requests.length === 2);
    const after = receiver.requests[1]!;
    expect(verify(overlap.secret, after)).toBe(true);
    expect(verify(endpoint.secret, after)).toBe(false);
    // The secrets pass forgets the rotated-out secret once its overlap is over.
    await passes.find((x) => x.name === 'reencrypt-webhook-secrets')!.run(new AbortController().signal);
    expect((await (await p!.api('GET', `/api/v1/webhooks/${endpoint.id}`)).json()).previous_secret_expires_at).toBeNull();

    // Without an overlap the replaced secret stops at once.
    const sharp = await rotate();
    expect(sharp.previous_secret_expires_at).toBeNull();
    await emit();
    await catchUp();
    await runUntil(sender, () => receiver.requests.length === 3);
    expect(verify(sharp.secret, receiver.requests[2]!)).toBe(true);
    expect(verify(overlap.secret, receiver.requests[2]!)).toBe(false);
    expect((await p!.api('POST', `/api/v1/webhooks/${endpoint.id}/rotate-secret`, { body: { keep_previous_seconds: 8 * 86_400 } })).status).toBe(422);
    const row = await p!.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpoint.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row) + p!.logs.join('')).not.toContain(overlap.secret);
  });

  it('forgets events past the retention period with their delivery log, but not one still being delivered', async () => {
    const { pass, emit, receiver, deliveries } = await setup({ ...FAST, baseDelayMs: 60_000 });
    const old = [await emit('post.published', { n: 1 }), await emit('post.published', { n: 2 })];
    await runUntil(pass(), () => receiver.requests.length === 2);
    receiver.failNext(1);
    const stuck = await emit('post.failed', { n: 3 });
    await runUntil(pass(), () => receiver.requests.length === 3);
    const recent = await emit('post.published', { n: 4 });
    await runUntil(pass(), () => receiver.requests.length === 4);
    const db = p!.store.db;
    await db
      .updateTable('webhook_events')
      .set({ created_at: Date.now() - 31 * 86_400_000 })
      .where('id', 'in', [...old, stuck])
      .execute();
    const oldDeliveries = (await db.selectFrom('webhook_deliveries').select('id').where('event_id', 'in', old).execute()).map((d) => d.id);

    const prune = webhookPasses({ db, vault: p!.accounts.vault, log: p!.log, retentionDays: 30 }).find((x) => x.name === 'prune-webhook-log')!;
    await prune.run(new AbortController().signal);

    const left = (await deliveries()).data.map((d: { event: { id: string }; status: string }) => [d.event.id, d.status]);
    expect(left).toEqual([
      [recent, 'succeeded'],
      [stuck, 'pending'],
    ]);
    expect(await db.selectFrom('webhook_attempts').select('id').where('delivery_id', 'in', oldDeliveries).execute()).toEqual([]);
    expect(await db.selectFrom('webhook_events').select('id').where('id', 'in', old).execute()).toEqual([]);
    expect(p!.logs.join('')).toContain('pruned old webhook events');
  });

  it('retries with backoff until the receiver answers 2xx, logging every attempt', async () => {
    // A minute of backoff: nothing comes due on its own during the test, redeliver brings it forward.
    const { pass, emit, receiver, deliveries } = await setup({ ...FAST, baseDelayMs: 60_000, maxDelayMs: 3600_000 });
    receiver.failNext(2, 503);
    await emit();
    const sender = pass();
    const signal = new AbortController().signal;
    await sender.run(signal);
    expect(receiver.requests.length).toBe(1);
    const waiting = (await deliveries()).data[0];
    expect(waiting).toMatchObject({ status: 'pending', attempt_count: 1, last_status_code: 503, last_error: 'HTTP 503' });
    const delay = new Date(waiting.next_attempt_at).getTime() - new Date(waiting.attempts[0].started_at).getTime();
    expect(delay).toBeGreaterThanOrEqual(48_000);
    expect(delay).toBeLessThanOrEqual(72_000 + 1000);
    await sender.run(signal);
    expect(receiver.requests.length).toBe(1);

    for (const expected of [2, 3]) {
      const moved = await p!.api('POST', `/api/v1/webhooks/deliveries/${waiting.id}/redeliver`);
      expect(moved.status).toBe(202);
      expect((await moved.json()).id).toBe(waiting.id);
      await sender.run(signal);
      expect(receiver.requests.length).toBe(expected);
    }
    const second = (await (await p!.api('GET', `/api/v1/webhooks/deliveries/${waiting.id}`)).json()).attempts[1];
    expect(second).toMatchObject({ attempt: 2, status_code: 503 });

    const done = (await deliveries()).data[0];
    expect(done).toMatchObject({
      id: waiting.id,
      status: 'succeeded',
      attempt_count: 3,
      last_status_code: 200,
      last_error: null,
      delivered_at: expect.any(String),
    });
    expect(done.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([503, 503, 200]);
    expect(done.attempts[0].response_excerpt).toMatch(/^answer 503/);
    expect(new Set(receiver.requests.map((r) => r.headers['pinion-delivery-id']))).toEqual(new Set([waiting.id]));
    await sender.run(signal);
    expect(receiver.requests.length).toBe(3);
  });

  it('gives up after the last attempt, and redelivery sends the same event again', async () => {
    const { pass, emit, receiver, deliveries, endpoint } = await setup();
    receiver.failNext(100, 500);
    const eventId = await emit('post.failed', { post_id: 'pst_2', error: 'board gone' });
    await runUntil(pass(), async () => (await deliveries()).data[0].status !== 'pending');
    const failed = (await deliveries()).data[0];
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 4, next_attempt_at: null, last_status_code: 500 });
    expect(failed.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(receiver.requests.length).toBe(4);
    expect((await deliveries('?status=failed')).data.map((d) => d.id)).toEqual([failed.id]);
    expect((await deliveries('?status=succeeded')).data).toEqual([]);

    receiver.failNext(0);
    const redo = await p!.api('POST', `/api/v1/webhooks/deliveries/${failed.id}/redeliver`);
    expect(redo.status).toBe(202);
    const fresh = await redo.json();
    expect(fresh).toMatchObject({ status: 'pending', attempt_count: 0, endpoint_id: endpoint.id, event: { id: eventId } });
    expect(fresh.id).not.toBe(failed.id);
    await runUntil(pass(), () => receiver!.requests.length === 5);
    const last = receiver.requests[4]!;
    expect(last.headers['pinion-event-id']).toBe(eventId);
    expect(last.headers['pinion-delivery-id']).toBe(fresh.id);
    expect(verify(endpoint.secret, last)).toBe(true);
    const got = await (await p!.api('GET', `/api/v1/webhooks/deliveries/${fresh.id}`)).json();
    expect(got).toMatchObject({ status: 'succeeded', attempts: [expect.objectContaining({ status_code: 200 })] });
    // The original keeps its own log.
    const original = await (await p!.api('GET', `/api/v1/webhooks/deliveries/${failed.id}`)).json();
    expect(original).toMatchObject({ status: 'failed', attempt_count: 4 });
  });

  it('does not follow redirects and counts them as failures', async () => {
    const { pass, emit, receiver, deliveries } = await setup({ ...FAST, maxAttempts: 1 });
    receiver.plan.status = 302;
    receiver.plan.location = 'http://127.0.0.1:9/elsewhere';
    await emit();
    await runUntil(pass(), async () => (await deliveries()).data[0].status !== 'pending');
    expect((await deliveries()).data[0]).toMatchObject({ status: 'failed', last_status_code: 302, last_error: expect.stringMatching(/redirect/) });
    expect(receiver.requests.length).toBe(1);
  });

  it('records a timeout and a refused connection as failed attempts', async () => {
    const { pass, emit, receiver, deliveries, endpoint } = await setup({ ...FAST, maxAttempts: 1, timeoutMs: 100 });
    receiver.plan.delayMs = 1000;
    await emit();
    await runUntil(pass(), async () => (await deliveries()).data[0].status !== 'pending');
    expect((await deliveries()).data[0]).toMatchObject({ status: 'failed', last_status_code: null, last_error: 'timed out after 100 ms' });

    const closed = await startReceiver();
    await closed.close();
    await p!.api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { body: { url: closed.url } });
    await emit();
    await runUntil(pass(), async () => (await deliveries()).data[0].status !== 'pending');
    expect((await deliveries()).data[0]).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('sends only the event types an endpoint subscribed to', async () => {
    const { pass, emit, receiver } = await setup(FAST, ['post.failed']);
    await emit('post.published');
    await emit('post.failed');
    const sender = pass();
    await runUntil(sender, () => receiver.requests.length >= 1);
    await sender.run(new AbortController().signal);
    expect(receiver.requests.map((r) => r.headers['pinion-event-type'])).toEqual(['post.failed']);
  });

  it('sends nothing to a disabled or deleted endpoint', async () => {
    const { pass, emit, receiver, deliveries, endpoint } = await setup();
    await emit();
    await p!.api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { body: { enabled: false } });
    await emit(); // no delivery at all while disabled
    await pass().run(new AbortController().signal);
    const log = (await deliveries()).data;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'failed', last_error: 'endpoint disabled', attempt_count: 0 });
    expect((await p!.api('POST', `/api/v1/webhooks/deliveries/${log[0].id}/redeliver`)).status).toBe(409);
    expect((await p!.api('POST', `/api/v1/webhooks/${endpoint.id}/test`)).status).toBe(409);

    await p!.api('PATCH', `/api/v1/webhooks/${endpoint.id}`, { body: { enabled: true } });
    await emit();
    expect((await p!.api('DELETE', `/api/v1/webhooks/${endpoint.id}`)).status).toBe(204);
    await pass().run(new AbortController().signal);
    expect(receiver.requests).toEqual([]);
    expect(await p!.store.db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
  });

  it('two workers sending at once never send one delivery twice', async () => {
    const { pass, emit, receiver, deliveries } = await setup({ ...FAST, batchSize: 5 });
    receiver.plan.delayMs = 20;
    const emitted = await Promise.all(Array.from({ length: 30 }, (_, i) => emit('post.published', { n: i })));
    const a = pass();
    const b = pass();
    const signal = new AbortController().signal;
    const deadline = Date.now() + 15_000;
    while (receiver.requests.length < 30 && Date.now() < deadline) await Promise.all([a.run(signal), b.run(signal), a.run(signal), b.run(signal)]);
    const sent = receiver.requests.map((r) => r.headers['pinion-event-id']);
    expect(sent.length).toBe(30);
    expect(new Set(sent)).toEqual(new Set(emitted));
    const all = [...(await deliveries('?limit=100')).data];
    expect(all.every((d) => d.status === 'succeeded' && d.attempt_count === 1)).toBe(true);
  });

  it('pages through the delivery log newest first', async () => {
    const { emit, deliveries } = await setup();
    // Ids sort by millisecond; a tick apart makes "newest first" exact.
    for (let i = 0; i < 5; i++) {
      await emit('post.published', { n: i });
      await new Promise((r) => setTimeout(r, 2));
    }
    const first = await deliveries('?limit=2');
    expect(first.data.map((d) => d.event.data.n)).toEqual([4, 3]);
    const second = await deliveries(`?limit=2&cursor=${first.next_cursor}`);
    expect(second.data.map((d) => d.event.data.n)).toEqual([2, 1]);
    const third = await deliveries(`?limit=2&cursor=${second.next_cursor}`);
    expect(third).toMatchObject({ next_cursor: null });
    expect(third.data.map((d) => d.event.data.n)).toEqual([0]);
    const bad = await p!.api('GET', `/api/v1/webhooks/${first.data[0].endpoint_id}/deliveries?limit=0&status=lost`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['limit', 'status']));
  });

  it('sends a webhook.test ping to one endpoint on request', async () => {
    const { pass, receiver, endpoint } = await setup();
    const res = await p!.api('POST', `/api/v1/webhooks/${endpoint.id}/test`);
    expect(res.status).toBe(202);
    const delivery = await res.json();
    expect(delivery).toMatchObject({ status: 'pending', event: { type: 'webhook.test', data: { endpoint_id: endpoint.id } } });
    await runUntil(pass(), () => receiver.requests.length === 1);
    expect(receiver.requests[0]!.headers['pinion-delivery-id']).toBe(delivery.id);
    expect(verify(endpoint.secret, receiver.requests[0]!)).toBe(true);
  });

  it("picks up a crashed worker's deliveries once its lease runs out", async () => {
    const { pass, emit, receiver } = await setup();
    const eventId = await emit();
    const held = { lease_owner: 'dead-host:1:abcd', lease_until: Date.now() + 60_000 };
    await p!.store.db.updateTable('webhook_deliveries').set(held).execute();
    await pass().run(new AbortController().signal);
    expect(receiver.requests).toEqual([]);
    await p!.store.db
      .updateTable('webhook_deliveries')
      .set({ lease_until: Date.now() - 1 })
      .execute();
    await runUntil(pass(), () => receiver.requests.length === 1);
    expect(receiver.requests[0]!.headers['pinion-event-id']).toBe(eventId);
  });

  it('a worker sends what was emitted, with no pass run by hand', async () => {
    p = await startTestPinion({ dialect, sandbox: {}, worker: true });
    receiver = await startReceiver();
    const endpoint = await (await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['*'] } })).json();
    const workspaceId = (await (await p.api('GET', '/api/v1/workspace')).json()).id as string;
    const eventId = await emitEvent(p.store.db, { workspaceId, type: 'post.published', data: {} });
    const deadline = Date.now() + 10_000;
    while (!receiver.requests.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(receiver.requests[0]!.headers['pinion-event-id']).toBe(eventId);
    expect(verify(endpoint.secret, receiver.requests[0]!)).toBe(true);
  });
});
