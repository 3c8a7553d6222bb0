import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, settled } from '../../helpers/posts.js';
import { accounts, connectWithUsername, fastPlatforms, metaSandboxes } from '../../helpers/meta.js';

describe('a Threads token left to expire', () => {
  let p: TestPinion;
  beforeAll(async () => {
    // Long-lived tokens of 2 s: too young to renew until 1 s old, and no post uses it before it runs out.
    p = await startTestPinion({
      worker: true,
      sandboxes: metaSandboxes({ longLivedSeconds: 2, refreshMinAgeSeconds: 1 }),
      config: { scheduler: FAST_SCHEDULER, platforms: fastPlatforms() },
    });
    await connectWithUsername(p, 'threads', 'sleepy');
  });
  afterAll(async () => p?.close());

  it('cannot be refreshed once expired: the account needs reconnecting and the post fails saying so', async () => {
    await new Promise((r) => setTimeout(r, 2300));
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['threads'], content: 'anyone there?' } });
    expect(res.status).toBe(201);
    const [done] = await settled(p, [((await res.json()) as { id: string }).id]);
    expect(done!.deliveries[0]).toMatchObject({
      status: 'failed',
      last_error: { kind: 'auth_revoked', message: expect.stringContaining('Session has expired') },
    });
    expect((await accounts(p)).find((a) => a.username === 'sleepy')!.status).toBe('needs_reauth');
  });
});
