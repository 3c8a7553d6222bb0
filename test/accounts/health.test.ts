import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, settled, startImageServer } from '../helpers/posts.js';

type Health = {
  status: string;
  can_post: boolean;
  reasons: string[];
  needs_reconnection_since: string | null;
  token: { expired: boolean; expiring_soon: boolean; grant_expires_at: string | null };
  activity: { last_published_at: string | null; failures_last_7d: number; permanent_failures_last_7d: number; queued: number };
};

describe.each(DIALECTS)('account health on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });
  const health = async (id: string) => (await (await p!.api('GET', `/api/v1/accounts/${id}/health`)).json()) as Health;

  it('counts what is queued, what failed in the last 7 days and the last publish, and says why it is not healthy', async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, worker: true, sandbox: {}, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() } });
    const { account } = await pinterestAccount(p);
    expect(await health(account.id)).toMatchObject({
      status: 'healthy',
      can_post: true,
      reasons: [],
      needs_reconnection_since: null,
      token: { expired: false, expiring_soon: false },
      activity: { last_published_at: null, failures_last_7d: 0, permanent_failures_last_7d: 0, queued: 0 },
    });

    const post = (body: Record<string, unknown>) =>
      p!
        .api('POST', '/api/v1/posts', { body: { content: 'Apron', platforms: ['pinterest'], platform_options: { pinterest: { board: 'Products' } }, ...body } })
        .then((r) => r.json());
    await post({ media_url: `${images.url}/good.jpg`, scheduled_at: '2031-05-01T09:00:00Z' });
    const good = await post({ media_url: `${images.url}/good.jpg` });
    // Pinterest refuses a 50×50 image: a failure that will not be retried.
    const tiny = await post({ media_url: `${images.url}/small.png` });
    const [published] = await settled(p, [good.id, tiny.id]);

    const h = await health(account.id);
    expect(h).toMatchObject({
      status: 'warning',
      can_post: true,
      activity: { failures_last_7d: 1, permanent_failures_last_7d: 1, queued: 1, last_published_at: published!.deliveries[0]!.published_at },
    });
    expect(h.reasons).toEqual(['1 delivery failed in the last 7 days (1 will not be tried again)']);

    const other = await p.newKey('elsewhere');
    expect((await p.api('GET', `/api/v1/accounts/${account.id}/health`, { key: other })).status).toBe(404);
  });

  it('is broken from the moment the grant is refused until the account is connected again', async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    const account = await connectedAccount(p, 'gone_user');
    const user = p.sandbox!.state.findUserByUsername('gone_user')!;
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id) p.sandbox!.state.tokens.delete(token);
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/refresh`)).status).toBe(409);

    const broken = await health(account.id);
    expect(broken).toMatchObject({ status: 'broken', can_post: false });
    expect(broken.reasons[0]).toMatch(/no longer accepts the account's grant.*connect it again/);
    expect(Date.now() - Date.parse(broken.needs_reconnection_since!)).toBeLessThan(60_000);
    // A second refusal of the same dead grant does not move the date.
    await new Promise((r) => setTimeout(r, 20));
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/refresh`)).status).toBe(409);
    expect((await health(account.id)).needs_reconnection_since).toBe(broken.needs_reconnection_since);

    await connectedAccount(p, 'gone_user');
    expect(await health(account.id)).toMatchObject({ status: 'healthy', can_post: true, needs_reconnection_since: null });
  });
});
