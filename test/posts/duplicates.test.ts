import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPinion } from '../../src/cli/instance.js';
import { createLogger } from '../../src/observability/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { DIALECTS } from '../helpers/stores.js';

describe.each(DIALECTS)('duplicate pins on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    images = await startImageServer();
    const { account } = await pinterestAccount(p);
    await p.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name: 'Gifts' } });
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  /**
   * Pinion started again on the same database, as after an upgrade from a version that stored no duplicate key:
   * a process learns whether such deliveries remain when it starts (and once a minute after), so the deliveries
   * made keyless by these tests are what a newly started process finds.
   */
  const upgraded = async () => {
    const second = await startPinion({
      config: { ...p.config, port: 0, sandbox: false },
      api: true,
      worker: false,
      migrate: false,
      logger: createLogger('warn'),
    });
    started.push(second);
    return second.url;
  };
  const started: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    while (started.length) await started.pop()!.close();
  });
  const post = async (at: string, board = 'Products', link = 'https://shop.example/apron', url = p.url) => {
    const res = await fetch(`${url}/api/v1/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        content: 'Apron',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        link,
        scheduled_at: at,
        platform_options: { pinterest: { board } },
      }),
    });
    expect(res.status).toBe(201);
    return res.json();
  };
  const duplicateWarnings = (created: { warnings?: Array<{ message: string }> }) =>
    (created.warnings ?? []).filter((w) => /same image and link/.test(w.message));

  it('warns when the same image and link go to the same board within 14 days, naming the earlier post', async () => {
    const first = await post('2032-03-01T10:00:00Z');
    expect(duplicateWarnings(first)).toEqual([]);
    const again = await post('2032-03-04T10:00:00Z');
    expect(duplicateWarnings(again)).toEqual([
      { field: 'platform_options.pinterest', message: expect.stringContaining(`as post ${first.id} (2032-03-01T10:00:00.000Z), within 14 days`) },
    ]);
  });

  it('does not warn for another board, another link, or three weeks later', async () => {
    expect(duplicateWarnings(await post('2032-03-02T10:00:00Z', 'Gifts'))).toEqual([]);
    expect(duplicateWarnings(await post('2032-03-02T11:00:00Z', 'Products', 'https://shop.example/mug'))).toEqual([]);
    expect(duplicateWarnings(await post('2032-03-25T10:00:00Z'))).toEqual([]);
  });

  it('still finds a duplicate among deliveries stored before they carried their duplicate key', async () => {
    const first = await post('2032-05-01T10:00:00Z');
    // As a delivery made by an older Pinion: no key stored, so the check reads and judges its payload.
    await p.store.db.updateTable('deliveries').set({ duplicate_key: null }).where('post_id', '=', first.id).execute();
    const again = await post('2032-05-03T10:00:00Z', undefined, undefined, await upgraded());
    expect(duplicateWarnings(again)).toEqual([
      { field: 'platform_options.pinterest', message: expect.stringContaining(`as post ${first.id} (2032-05-01T10:00:00.000Z)`) },
    ]);
  });

  it('names the earliest post whether its delivery has a stored key or not', async () => {
    const keyed = await post('2032-07-01T10:00:00Z');
    const legacy = await post('2032-07-02T10:00:00Z');
    await p.store.db.updateTable('deliveries').set({ duplicate_key: null }).where('post_id', '=', legacy.id).execute();
    expect(duplicateWarnings(await post('2032-07-03T10:00:00Z', undefined, undefined, await upgraded()))[0]?.message).toContain(`as post ${keyed.id}`);
    await p.store.db.updateTable('deliveries').set({ duplicate_key: null }).where('post_id', '=', keyed.id).execute();
    await p.store.db.updateTable('deliveries').set({ duplicate_key: 'x' }).where('post_id', '=', legacy.id).execute();
    expect(duplicateWarnings(await post('2032-07-04T10:00:00Z', undefined, undefined, await upgraded()))[0]?.message).toContain(`as post ${keyed.id}`);
  });

  it('a bulk batch gets the same warnings, looked up once for all its posts, stored keys or not', async () => {
    const keyed = await post('2032-09-01T10:00:00Z');
    const legacy = await post('2032-09-01T10:00:00Z', 'Products', 'https://shop.example/old');
    await p.store.db.updateTable('deliveries').set({ duplicate_key: null }).where('post_id', '=', legacy.id).execute();
    const item = (at: string, link = 'https://shop.example/apron', board = 'Products') => ({
      content: 'Apron',
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      link,
      scheduled_at: at,
      platform_options: { pinterest: { board } },
    });
    const res = await fetch(`${await upgraded()}/api/v1/posts:bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        posts: [
          item('2032-09-05T10:00:00Z'),
          item('2032-09-05T11:00:00Z', 'https://shop.example/old'),
          item('2032-09-05T12:00:00Z', 'https://shop.example/new'),
          item('2032-10-01T10:00:00Z'),
          item('2032-09-06T10:00:00Z', undefined, 'Gifts'),
        ],
      }),
    });
    expect(res.status).toBe(201);
    const { warnings } = (await res.json()) as { warnings: Array<{ index: number; message: string }> };
    const dup = warnings.filter((w) => /same image and link/.test(w.message));
    expect(dup.map((w) => w.index)).toEqual([0, 1]);
    expect(dup[0]!.message).toContain(`as post ${keyed.id}`);
    expect(dup[1]!.message).toContain(`as post ${legacy.id}`);
  });
});
