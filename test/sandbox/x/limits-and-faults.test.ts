import Fastify from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createXSandbox } from '../../../src/sandbox/x/index.js';
import { ALL_POSTING_SCOPES, Client, startSandbox, userClient } from './support.js';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: { 'POST /2/tweets': { user: { limit: 3, windowSeconds: 900 }, app: { limit: 5, windowSeconds: 86_400 } } } });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.sandbox.reset());

const alice = () => userClient(sandbox.sandbox, sandbox.url);

describe('rate limits', () => {
  it('answers 429 once a user spends the POST /2/tweets window, with x-rate-limit headers (reset in epoch seconds)', async () => {
    const { client, user } = alice();
    const before = Math.floor(Date.now() / 1000);
    const first = await client.call('POST', '/2/tweets', { text: 'one' });
    expect(first.headers.get('x-rate-limit-limit')).toBe('3');
    expect(first.headers.get('x-rate-limit-remaining')).toBe('2');
    const reset = Number(first.headers.get('x-rate-limit-reset'));
    expect(reset).toBeGreaterThanOrEqual(before + 900);
    expect(reset).toBeLessThanOrEqual(before + 902);
    expect(first.headers.get('x-app-limit-24hour-limit')).toBe('5');
    await client.call('POST', '/2/tweets', { text: 'two' });
    await client.call('POST', '/2/tweets', { text: 'three' });
    const limited = await client.call('POST', '/2/tweets', { text: 'four' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(limited.body).toEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(limited.headers.get('x-rate-limit-reset')).toBe(String(reset));
    expect(sandbox.sandbox.state.timeline(user.id)).toHaveLength(3);
    // Other endpoints have their own windows; another user has their own budget until the app's daily cap.
    expect((await client.call('GET', '/2/users/me')).status).toBe(200);
    const bob = alice().client;
    expect((await bob.call('POST', '/2/tweets', { text: 'bob 1' })).status).toBe(201);
    const lastOfApp = await bob.call('POST', '/2/tweets', { text: 'bob 2' });
    expect(lastOfApp.headers.get('x-app-limit-24hour-remaining')).toBe('0');
    expect((await bob.call('POST', '/2/tweets', { text: 'bob 3' })).status).toBe(429);
  });

  it('uses the documented defaults: 100 per 15 minutes per user for POST /2/tweets', async () => {
    const plain = createXSandbox();
    const app = Fastify();
    await app.register(plain.plugin);
    try {
      const user = plain.createUser();
      const headers = { authorization: `Bearer ${plain.issueTokens(user.id, ALL_POSTING_SCOPES).access_token}`, 'content-type': 'application/json' };
      const response = await app.inject({ method: 'POST', url: '/2/tweets', headers, payload: { text: 'defaults' } });
      expect(response.headers['x-rate-limit-limit']).toBe('100');
      expect(response.headers['x-app-limit-24hour-limit']).toBe('10000');
      const me = await app.inject({ method: 'GET', url: '/2/users/me', headers });
      expect(me.headers['x-rate-limit-limit']).toBe('75');
    } finally {
      await app.close();
    }
  });
});

describe('fault injection', () => {
  it('answers 5xx without side effects', async () => {
    const { client, user } = alice();
    sandbox.sandbox.setFaults({ errorRate: 1, only: ['POST /2/tweets'] });
    const failed = await client.call('POST', '/2/tweets', { text: 'never stored' });
    expect([500, 503]).toContain(failed.status);
    expect(failed.body).toMatchObject({ type: 'about:blank', status: failed.status });
    expect(sandbox.sandbox.state.timeline(user.id)).toHaveLength(0);
    expect(sandbox.sandbox.stats().users[user.id]?.create_tweet_calls).toBe(1);
    expect((await client.call('GET', '/2/users/me')).status).toBe(200);
  });

  it('commits then drops the connection: the client errors, yet the post exists and the timeline shows it', async () => {
    const { client, user } = alice();
    sandbox.sandbox.setFaults({ dropAfterCommitRate: 1, only: ['POST /2/tweets'] });
    await expect(client.call('POST', '/2/tweets', { text: 'ghost' })).rejects.toThrow();

    const tweets = (await (await fetch(`${sandbox.url}/_sandbox/tweets?user_id=${user.id}`)).json()) as { items: Array<{ text: string }> };
    expect(tweets.items.map((t) => t.text)).toEqual(['ghost']);
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as any;
    expect(stats.users[user.id].create_tweet_calls).toBe(1);
    expect(stats.operations['POST /2/tweets']).toBe(1);
    // What a connector does to find the post whose answer was lost; a retry would be a duplicate.
    const timeline = await client.call('GET', `/2/users/${user.id}/tweets?max_results=5`);
    expect(timeline.body.data[0].text).toBe('ghost');
    sandbox.sandbox.setFaults({});
    expect((await client.call('POST', '/2/tweets', { text: 'ghost' })).status).toBe(403);
  });

  it('never answers a timed-out request and creates nothing; adds latency when asked', async () => {
    const { client, user } = alice();
    sandbox.sandbox.setFaults({ timeoutRate: 1, only: ['POST /2/tweets'] });
    await expect(client.call('POST', '/2/tweets', { text: 'hang' }, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(sandbox.sandbox.state.timeline(user.id)).toHaveLength(0);
    sandbox.sandbox.setFaults({ latencyMs: 200 });
    const started = Date.now();
    expect((await client.call('GET', '/2/users/me')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('is reproducible with a seed, configurable over HTTP, and refuses a bad config', async () => {
    const { client } = alice();
    const put = (config: unknown) =>
      fetch(`${sandbox.url}/_sandbox/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config) });
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await client.call('GET', '/2/users/me')).status);
      return statuses;
    };
    expect((await put({ errorRate: 0.5, seed: 7 })).status).toBe(200);
    const first = await run();
    await put({ errorRate: 0.5, seed: 7 });
    expect(await run()).toEqual(first);
    expect(first.some((s) => s >= 500) && first.some((s) => s === 200)).toBe(true);
    expect(await (await fetch(`${sandbox.url}/_sandbox/faults`)).json()).toEqual({ errorRate: 0.5, seed: 7 });
    expect((await put({ errorRate: 2 })).status).toBe(400);
  });
});

describe('inspection API and mounting', () => {
  it('creates users with tokens over HTTP, lists posts and media, and resets', async () => {
    const created = await fetch(`${sandbox.url}/_sandbox/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', scopes: ALL_POSTING_SCOPES }),
    });
    expect(created.status).toBe(201);
    const bob = (await created.json()) as { id: string; username: string; tokens: { access_token: string; refresh_token: string } };
    expect(bob).toMatchObject({ username: 'bob', tokens: { refresh_token: expect.any(String) } });
    const client = new Client(sandbox.url, bob.tokens.access_token);
    await client.call('POST', '/2/tweets', { text: 'from bob' });
    const users = (await (await fetch(`${sandbox.url}/_sandbox/users`)).json()) as { items: unknown[] };
    expect(users.items).toEqual([{ id: bob.id, username: 'bob', name: 'bob' }]);
    expect((await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(((await (await fetch(`${sandbox.url}/_sandbox/tweets`)).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await client.call('GET', '/2/users/me')).status).toBe(401);
  });

  it('serves everything under a host app’s prefix, with X-shaped 404s and 400s', async () => {
    const host = Fastify();
    const mounted = createXSandbox();
    host.get('/health', async () => ({ ok: true }));
    await host.register(mounted.plugin, { prefix: '/sandbox/x' });
    await host.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = host.server.address();
      const root = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const { client } = userClient(mounted, `${root}/sandbox/x`);
      expect((await client.call('POST', '/2/tweets', { text: 'mounted' })).status).toBe(201);
      expect((await fetch(`${root}/sandbox/x/i/oauth2/authorize?client_id=nope`)).status).toBe(400);
      const missing = await client.call('GET', '/2/unknown');
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('about:blank');
      const malformed = await fetch(`${root}/sandbox/x/2/tweets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as { type: string }).type).toBe('https://api.x.com/2/problems/invalid-request');
      expect((await fetch(`${root}/health`)).status).toBe(200);
    } finally {
      await host.close();
    }
  });
});
