import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { pinion } from '../helpers/cli.js';

// Each command is a new Node process loading TypeScript: seconds each on a busy machine.
describe('the CLI as a client of a running Pinion', { timeout: 120_000 }, () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'pinion-client-'));
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    images = await startImageServer();
    await pinterestAccount(p);
    env = { PINION_API_KEY: p.apiKey, PINION_API_URL: p.url };
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const count = async () =>
    Number(
      (
        await p.store.db
          .selectFrom('posts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('imports 1,200 rows in chunks of 500, and importing the file again creates nothing new', async () => {
    const file = join(dir, 'many.csv');
    const rows = Array.from({ length: 1200 }, (_, i) => `"Post ${i}, with a comma",pinterest,${images.url}/good.jpg,2035-01-01T00:00:00Z,Products`);
    writeFileSync(file, ['content,platforms,media_url,scheduled_at,board', ...rows].join('\n'));
    const before = await count();
    const first = await pinion(['import', file, '--json'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: 1200, already_imported: 0 });
    expect(first.stderr).toBe('');
    expect(await count()).toBe(before + 1200);

    const again = await pinion(['import', file], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Imported 1200 post\(s\).*0 new, 1200 imported before/);
    // Not a terminal: one plain progress line per chunk.
    expect(
      again.stderr
        .trim()
        .split('\n')
        .map((l) => l.replace(/,.*/, '')),
    ).toEqual([
      'Imported 500 row(s) (500 already imported before)',
      'Imported 1000 row(s) (1000 already imported before)',
      'Imported 1200 row(s) (1200 already imported before)',
    ]);
    expect(await count()).toBe(before + 1200);
  });

  it('names the line of the file, not of the chunk, when a later chunk is refused; the fixed file imports only what is missing', async () => {
    const file = join(dir, 'fix.csv');
    const rows = Array.from({ length: 600 }, (_, i) => `Fix ${i},pinterest,${images.url}/good.jpg,2035-02-01T00:00:00Z,${i === 550 ? 'Attic' : 'Products'}`);
    writeFileSync(file, ['content,platforms,media_url,scheduled_at,board', ...rows].join('\n'));
    const before = await count();
    const bad = await pinion(['import', file], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 552: board: /);
    expect(bad.stderr).toMatch(/rows 501–600/);
    expect(bad.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(await count()).toBe(before + 500);

    writeFileSync(file, ['content,platforms,media_url,scheduled_at,board', ...rows.map((r) => r.replace('Attic', 'Products'))].join('\n'));
    const fixed = await pinion(['import', file, '--json'], env);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ created: 100, already_imported: 500 });
    expect(await count()).toBe(before + 600);
  });

  it('says in one line what is wrong with a missing file, a missing key or an unreachable Pinion', async () => {
    const missing = await pinion(['import', join(dir, 'missing.csv')], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(`pinion: Cannot read "${join(dir, 'missing.csv')}": no such file`);
    const noKey = await pinion(['posts', 'list'], { PINION_API_KEY: '', PINION_API_URL: p.url });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/^pinion: No API key: pass --key or set \$PINION_API_KEY/);
    const down = await pinion(['posts', 'list', '--api-url', 'http://127.0.0.1:9'], env);
    expect(down.code).toBe(2);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/Cannot reach Pinion at http:\/\/127\.0\.0\.1:9 .*is it running/);
  });

  it('creates, lists, gets and cancels a post', async () => {
    // The same post twice under one idempotency key: the second is a replay.
    const create = [
      'posts',
      'create',
      '--platform',
      'pinterest',
      '--content',
      'From the CLI',
      '--media-url',
      `${images.url}/good.jpg`,
      '--at',
      '2036-01-01T09:00:00',
      '--timezone',
      'Europe/Paris',
      '--option',
      'pinterest.board=Products',
      '--option',
      'pinterest.title=Hi',
      '--idempotency-key',
      'cli-1',
    ];
    const created = await pinion([...create, '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const post = JSON.parse(created.stdout);
    expect(post).toMatchObject({
      status: 'scheduled',
      scheduled_at: '2036-01-01T08:00:00.000Z',
      request: { platform_options: { pinterest: { board: 'Products', title: 'Hi' } } },
    });
    const replay = await pinion(create, env);
    expect(replay.stdout).toMatch(new RegExp(`^Already scheduled .*${post.id}`));

    expect((await pinion(['posts', 'list', '--status', 'scheduled', '--limit', '2'], env)).stdout).toMatch(/^post_\S+ {2}scheduled {2,}\S+ {2}pinterest\n/);
    expect((await pinion(['posts', 'get', post.id], env)).stdout).toMatch(/pinterest\s+scheduled/);
    const cancelled = await pinion(['posts', 'cancel', post.id, '--json'], env);
    expect(JSON.parse(cancelled.stdout).status).toBe('cancelled');
    const retry = await pinion(['posts', 'retry', post.id], env);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toMatch(/Nothing to retry.*was cancelled/);
    const deleted = await pinion(['posts', 'delete', post.id, '--unpublish'], env);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(new RegExp(`^Deleted ${post.id}\n  dlv_\\S+  pinterest  unchanged: Was cancelled`));
    expect((await pinion(['posts', 'get', post.id], env)).code).toBe(1);

    const bad = await pinion(['posts', 'create', '--platform', 'myspace', '--content', 'x'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/platforms\.0: .*known: pinterest/);
    expect((await pinion(['posts', 'get'], env)).stderr).toMatch(/Which post\? Usage: pinion posts get <post id>/);
  });

  it('connects a sandbox account and waits for it, without a browser', async () => {
    const r = await pinion(['accounts', 'connect', 'pinterest', '--sandbox-approve', 'from_cli', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ platform: 'pinterest', username: 'from_cli', status: 'active' });
    // Each account's time zone is shown: its own, or the workspace's (UTC) until one is set.
    expect((await pinion(['accounts', 'list'], env)).stdout).toMatch(/pinterest\s+from_cli\s+active\s+UTC \(workspace\)$/m);
    const id = JSON.parse(r.stdout).id as string;
    expect((await p.api('PATCH', `/api/v1/accounts/${id}`, { body: { timezone: 'Europe/Paris' } })).status).toBe(200);
    expect((await pinion(['accounts', 'list'], env)).stdout).toMatch(/pinterest\s+from_cli\s+active\s+Europe\/Paris$/m);
  });

  it('shows each command its own help', async () => {
    const help = await pinion(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: pinion import <file.csv> \[options\]/);
    expect(help.stdout).toContain('--api-url URL');
    expect(help.stdout).not.toContain('--database-url');
    expect((await pinion(['help', 'accounts', 'connect'])).stdout).toMatch(/--sandbox-approve USERNAME/);
    expect((await pinion(['posts', '--help'])).stdout).toMatch(/posts cancel <post id>/);
  });
});

describe('posts:bulk with an Idempotency-Key', () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const one = (i: number) => ({
    content: `post ${i}`,
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    scheduled_at: '2034-01-01T00:00:00Z',
    platform_options: { pinterest: { board: 'Products' } },
  });

  it('answers a replay with the same posts and refuses the key with other posts', async () => {
    const body = { posts: [one(1), one(2)] };
    const first = await p.api('POST', '/api/v1/posts:bulk', { body, headers: { 'idempotency-key': 'batch-1' } });
    expect(first.status).toBe(201);
    const again = await p.api('POST', '/api/v1/posts:bulk', { body, headers: { 'idempotency-key': 'batch-1' } });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const ids = (r: { data: Array<{ id: string }> }) => r.data.map((x) => x.id);
    expect(ids(await again.json())).toEqual(ids(await first.json()));

    const other = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [one(1), one(3)] }, headers: { 'idempotency-key': 'batch-1' } });
    expect(other.status).toBe(409);
    expect((await other.json()).errors).toEqual([{ field: 'posts.1', index: 1, message: 'differs from the post first sent with this key' }]);
    expect((await (await p.api('GET', '/api/v1/posts')).json()).data).toHaveLength(2);
  });
});
