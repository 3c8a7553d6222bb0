import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount } from '../helpers/posts.js';

describe.each(DIALECTS)('GET /me on %s', (dialect) => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('names the calling key, its workspace, this instance’s limits and what the workspace holds', async () => {
    p = await startTestPinion({ dialect, sandbox: {}, config: { rateLimitPerMinute: 600 } });
    await pinterestAccount(p);
    const key = await p.newKey('default', ['posts:read', 'accounts:read']);
    const res = await p.api('GET', '/api/v1/me', { key });
    expect(res.status).toBe(200);
    const me = await res.json();
    expect(me.key).toMatchObject({ name: 'test', prefix: key.slice(0, 12), scopes: ['posts:read', 'accounts:read'] });
    expect(me.key.id).toMatch(/^key_/);
    expect(me.workspace).toMatchObject({ name: 'default' });
    expect(me.limits).toMatchObject({ requests_per_minute: 600, posts_per_bulk_request: 500, image_bytes: p.config.media.maxImageBytes });
    expect(me.usage).toEqual({ accounts: { connected: 1, needing_reconnection: 0 }, posts: { total: 0, last_30_days: 0 }, media: { items: 0, bytes: 0 } });
    // Another workspace's key sees its own.
    const other = await (await p.api('GET', '/api/v1/me', { key: await p.newKey('elsewhere') })).json();
    expect(other.workspace.name).toBe('elsewhere');
    expect(other.usage.accounts.connected).toBe(0);
  });
});
