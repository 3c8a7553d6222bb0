import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, settled } from '../../helpers/posts.js';
import { accounts, connectWithUsername, fastPlatforms, jpeg, metaSandbox, metaSandboxes } from '../../helpers/meta.js';
import { uploadFile } from '../../media/support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Instagram Login tokens: refreshed once old enough, dead grants → needs_reauth', () => {
  let p: TestPinion;
  let photo: string;
  beforeAll(async () => {
    // Tokens live 6 s and may be refreshed after 1 s: the 60 days and 24 hours of Meta, shrunk.
    p = await startTestPinion({
      worker: true,
      sandboxes: metaSandboxes({ longLivedSeconds: 6, refreshMinAgeSeconds: 1 }),
      config: { scheduler: FAST_SCHEDULER, platforms: fastPlatforms() },
    });
    photo = ((await (await uploadFile(p, await jpeg(), 'a.jpg')).json()) as { id: string }).id;
    await connectWithUsername(p, 'instagram', 'fresh_ig');
  });
  afterAll(async () => p?.close());

  const publish = async (content: string) => {
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['instagram'], content, media_id: photo } });
    expect(res.status).toBe(201);
    const [done] = await settled(p, [((await res.json()) as { id: string }).id]);
    return done!.deliveries[0]!;
  };
  const longTokens = async () => {
    const account = (await accounts(p)).find((a) => a.username === 'fresh_ig')!;
    return [...metaSandbox(p, 'instagram').world.tokens.values()].filter((t) => t.subject === account.external_id && t.kind === 'ig_long');
  };

  it('keeps a token too young to refresh (checking it is valid) and refreshes it with ig_refresh_token once it may', async () => {
    expect((await publish('young token')).status).toBe('published');
    expect(await longTokens()).toHaveLength(1);
    await sleep(3200); // past half its life: Pinion refreshes before it runs out
    expect((await publish('refreshed token')).status).toBe('published');
    const tokens = await longTokens();
    expect(tokens).toHaveLength(2);
    const account = (await accounts(p)).find((a) => a.username === 'fresh_ig')! as unknown as { access_expires_at: string };
    // Pinion now holds the new token's expiry (Meta says expires_in; Pinion adds it to its own clock).
    expect(Math.abs(Date.parse(account.access_expires_at) - tokens[1]!.expiresAt!)).toBeLessThan(1500);
    expect(tokens[1]!.expiresAt!).toBeGreaterThan(tokens[0]!.expiresAt!);
  });

  it('marks the account needs_reauth (and tells webhooks) when Meta invalidates the grant', async () => {
    const account = (await accounts(p)).find((a) => a.username === 'fresh_ig')!;
    metaSandbox(p, 'instagram').world.revokeSubject(account.external_id);
    const d = await publish('after revocation');
    expect(d.status).toBe('failed');
    expect(d.last_error!.kind).toBe('auth_revoked');
    const after = (await accounts(p)).find((a) => a.username === 'fresh_ig')!;
    expect(after.status).toBe('needs_reauth');
    const events = await p.store.db.selectFrom('webhook_events').selectAll().execute();
    expect(events.map((e) => e.type)).toContain('account.needs_reauth');
  });
});
