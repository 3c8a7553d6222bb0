import { PostEverywhere, PostEverywhereError, RateLimitError } from '@posteverywhere/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureWorkspace, type ApiScope } from '../../src/workspaces/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { routeToPinion } from './route-fetch.js';

// The error translation is the same on every store: one instance on SQLite.
describe('PostEverywhere’s errors from Pinion', () => {
  let p: TestPinion;
  let routing: ReturnType<typeof routeToPinion>;
  const keyWith = async (scopes: ApiScope[]) => {
    const { workspace } = await ensureWorkspace(p.store.db, 'default');
    return (await createApiKey(p.store.db, { workspaceId: workspace.id, name: 'sdk', scopes, format: 'posteverywhere' })).key;
  };
  beforeAll(async () => {
    p = await startTestPinion({ config: { rateLimitPerMinute: 3 } });
    routing = routeToPinion(p.url);
  });
  afterAll(async () => {
    routing?.restore();
    await p?.close();
  });

  it('answers in its envelope: 404 for a route it does not have, 403 for a missing scope, 400 for a body that is not JSON', async () => {
    const compat = `${p.url}/compat/posteverywhere/api/v1`;
    const key = await keyWith(['posts:read']);
    const missing = await fetch(`${compat}/nothing-here`, { headers: { authorization: `Bearer ${key}` } });
    expect(missing.status).toBe(404);
    const body = await missing.json();
    expect(body).toEqual({
      error: { message: expect.stringContaining('/compat/posteverywhere/api/v1/nothing-here'), code: 'not_found' },
      meta: { request_id: missing.headers.get('x-request-id') },
    });

    const pe = new PostEverywhere({ apiKey: key, maxRetries: 0 });
    const forbidden = await pe.accounts.list().catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(PostEverywhereError);
    expect(forbidden).toMatchObject({ status: 403, code: 'insufficient_scope', details: { required_scope: 'accounts:read' } });

    const broken = await fetch(`${compat}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '{"content":',
    });
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.code).toBe('validation_error');
  });

  it('passes the key’s rate limit on as its RateLimitError, with Retry-After', async () => {
    // A new key: the limit counts per key.
    const key = await keyWith(['posts:read']);
    const pe = new PostEverywhere({ apiKey: key, maxRetries: 0 });
    for (let i = 0; i < 3; i++) await pe.posts.list();
    const limited = await pe.posts.list().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    const raw = await fetch('https://app.posteverywhere.ai/api/v1/posts', { headers: { authorization: `Bearer ${key}` } });
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
