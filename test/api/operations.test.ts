import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

describe('operating Pinion', () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  const token = 'metrics-token-0123456789';
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {}, config: { rateLimitPerMinute: 40, metricsToken: token } });
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });

  it('limits requests per API key with X-RateLimit headers and a 429 problem', async () => {
    const key = await p.newKey('busy');
    const first = await p.api('GET', '/api/v1/posts', { key });
    expect(first.headers.get('x-ratelimit-limit')).toBe('40');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('39');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    for (let i = 0; i < 39; i++) expect((await p.api('GET', '/api/v1/posts', { key })).status).toBe(200);
    const limited = await p.api('GET', '/api/v1/posts', { key });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = await limited.json();
    expect(problem).toMatchObject({
      status: 429,
      type: 'urn:pinion:problem:rate-limited',
      detail: expect.stringMatching(/more than 40 requests in a minute/),
      request_id: limited.headers.get('x-request-id'),
    });
    // Another key of the same workspace has its own count.
    expect((await p.api('GET', '/api/v1/posts', { key: await p.newKey('busy') })).status).toBe(200);
  });

  it('puts a request id on every problem', async () => {
    const res = await p.api('GET', '/api/v1/posts/nope');
    expect(res.status).toBe(404);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await res.json()).request_id).toBe(id);
  });

  it('reports the queue, deliveries and webhooks on /metrics, to the metrics token only', async () => {
    expect((await fetch(`${p.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${p.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    // Due now, and no worker in this instance: it waits in the queue.
    const post = await p.api('POST', '/api/v1/posts', {
      body: { content: 'Now', platforms: ['pinterest'], media_url: `${images.url}/good.jpg`, platform_options: { pinterest: { board: 'Products' } } },
    });
    expect(post.status).toBe(201);
    await new Promise((r) => setTimeout(r, 20));
    const res = await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^pinion_deliveries\{platform="pinterest",status="scheduled"\} 1$/m);
    expect(text).toMatch(/^pinion_queue_due\{platform="pinterest"\} 1$/m);
    const age = Number(text.match(/^pinion_queue_oldest_due_age_seconds\{platform="pinterest"\} (\S+)$/m)![1]);
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThan(60);
    expect(text).toContain('# TYPE pinion_webhook_deliveries gauge');
    expect(text).toContain('# TYPE pinion_delivery_platform_errors gauge');
    expect(text).toContain('# TYPE pinion_token_refreshes_total counter');
  });
});
