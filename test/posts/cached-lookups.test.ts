import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectAccount } from '../../src/accounts/index.js';
import { loadConfig } from '../../src/config/index.js';
import { openStore, READ_CACHE_TTL_MS, type Store } from '../../src/store/index.js';
import { findApiKeyById, listApiKeys, revokeApiKey } from '../../src/workspaces/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer, waitFor } from '../helpers/posts.js';

/**
 * Keys, workspaces, accounts and boards are kept in memory between requests (every post reads them).
 * What this process changes is seen at once; what another process changes, within READ_CACHE_TTL_MS.
 */
describe.each(DIALECTS)('lookups kept between requests on %s', (dialect) => {
  let p: TestPinion;
  let other: Store;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    // Without the image check: these posts need no fetch, so a refusal here is about the lookup alone.
    const defaults = loadConfig({ env: {}, file: undefined });
    p = await startTestPinion({ dialect, sandbox: {}, config: { media: { ...defaults.media, fetchAllowHosts: ['127.0.0.1'], checkPostUrls: false } } });
    // Another process on the same database (as the CLI or a second server would be).
    other = openStore(p.config.databaseUrl);
    images = await startImageServer();
  });
  afterAll(async () => {
    await other?.close();
    await p?.close();
    await images?.close();
  });
  const body = (board: string, extra: Record<string, unknown> = {}) => ({
    content: 'Apron',
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    link: `https://shop.example/apron/${Math.random()}`,
    scheduled_at: '2031-05-01T09:00:00Z',
    platform_options: { pinterest: { board } },
    ...extra,
  });
  const post = (b: unknown, key?: string) => p.api('POST', '/api/v1/posts', { body: b, key });

  it('a key revoked through the API is refused at its very next use', async () => {
    const key = await p.newKey('default');
    for (let i = 0; i < 2; i++) expect((await p.api('GET', '/api/v1/posts', { key })).status).toBe(200);
    const ws = (await (await p.api('GET', '/api/v1/workspace')).json()) as { id: string };
    const [, mine] = (await listApiKeys(p.store.db, ws.id)).slice(-2);
    expect((await p.api('DELETE', `/api/v1/keys/${mine!.id}`)).status).toBe(200);
    expect((await p.api('GET', '/api/v1/posts', { key })).status).toBe(401);
  });

  it('a key revoked by another process is refused within the cache lifetime', async () => {
    const key = await p.newKey('default');
    // Used twice, so the second use is answered from memory.
    for (let i = 0; i < 2; i++) expect((await p.api('GET', '/api/v1/posts', { key })).status).toBe(200);
    const ws = (await (await p.api('GET', '/api/v1/workspace')).json()) as { id: string };
    const mine = (await listApiKeys(other.db, ws.id)).at(-1)!;
    expect((await findApiKeyById(other.db, mine.id))?.revokedAt).toBeNull();
    await revokeApiKey(other.db, ws.id, mine.id);
    const revokedAt = Date.now();
    await waitFor(async () => (await p.api('GET', '/api/v1/posts', { key })).status === 401, 'the revoked key to be refused', READ_CACHE_TTL_MS + 2000, 20);
    expect(Date.now() - revokedAt).toBeLessThan(READ_CACHE_TTL_MS + 2000);
  });

  it('an account disconnected through the API gets no more posts, at once', async () => {
    const { account } = await pinterestAccount(p, 'leaving');
    const both = { accounts: [account.id] };
    expect((await post(body('Products', both))).status).toBe(201);
    expect((await p.api('DELETE', `/api/v1/accounts/${account.id}`)).status).toBe(200);
    const refused = await post(body('Products', both));
    const text = JSON.stringify(await refused.json());
    expect(refused.status, text).toBe(422);
    expect(text).toMatch(/no connected account|names none|no Pinterest account is connected/);
  });

  it('an account disconnected by another process gets no more posts within the cache lifetime', async () => {
    const { account } = await pinterestAccount(p, 'elsewhere');
    const one = { accounts: [account.id] };
    expect((await post(body('Products', one))).status).toBe(201);
    const ws = (await (await p.api('GET', '/api/v1/workspace')).json()) as { id: string };
    await disconnectAccount(other.db, ws.id, account.id);
    await waitFor(
      async () => (await post(body('Products', one))).status !== 201,
      'posts to the disconnected account to be refused',
      READ_CACHE_TTL_MS + 2000,
      20,
    );
  });

  it('a board renamed on Pinterest is found by its new name at once, and no longer by its old one', async () => {
    const { account, board } = await pinterestAccount(p, 'renamer', 'Aprons');
    const one = { accounts: [account.id] };
    expect((await post(body('Aprons', one))).status).toBe(201);
    p.sandbox!.state.boards.get(board.id)!.name = 'Linen Aprons';
    const renamed = await post(body('Linen Aprons', one));
    expect(renamed.status).toBe(201);
    expect((await renamed.json()).deliveries[0].payload.board_id).toBe(board.id);
    const old = await post(body('Aprons', one));
    expect(old.status).toBe(422);
  });

  it('workspace settings changed apply to the very next post', async () => {
    const patched = await p.api('PATCH', '/api/v1/workspace', { body: { settings: { utm: { enabled: true, source: 'pinion-test' } } } });
    expect(patched.status, await patched.text()).toBe(200);
    const { account } = await pinterestAccount(p, 'tagged');
    const created = await (await post(body('Products', { accounts: [account.id] }))).json();
    expect(created.deliveries[0].payload.link).toContain('utm_source=pinion-test');
    expect((await p.api('PATCH', '/api/v1/workspace', { body: { settings: { utm: { enabled: false } } } })).status).toBe(200);
    const plain = await (await post(body('Products', { accounts: [account.id] }))).json();
    expect(plain.deliveries[0].payload.link).not.toContain('utm_source');
  });
});
