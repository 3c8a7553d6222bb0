import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, settled, startImageServer } from '../helpers/posts.js';

describe.each(DIALECTS)('one post to several boards with an interval on %s', (dialect) => {
  let p: TestPinion | undefined;
  let images: Awaited<ReturnType<typeof startImageServer>> | undefined;
  afterEach(async () => {
    await p?.close();
    await images?.close();
    p = undefined;
  });

  it('publishes one pin per board (named, one in a section), each interval after the one before', async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, worker: true, sandbox: {}, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() } });
    const { account, sandboxUserId } = await pinterestAccount(p);
    for (const name of ['Gifts', 'Kitchen']) expect((await p.api('POST', `/api/v1/accounts/${account.id}/boards`, { body: { name } })).status).toBe(201);
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/boards/Kitchen/sections`, { body: { name: 'Aprons' } })).status).toBe(201);

    const start = Date.now() + 1000;
    const res = await p.api('POST', '/api/v1/posts', {
      body: {
        content: 'Indigo linen apron, hand-dyed',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        link: 'https://shop.example/apron',
        scheduled_at: new Date(start).toISOString(),
        interval: 'PT2S',
        platform_options: {
          pinterest: { title: 'Indigo apron', boards: [{ board: 'products' }, { board: 'Gifts' }, { board: 'Kitchen', board_section: 'Aprons' }] },
        },
      },
    });
    expect(res.status).toBe(201);
    const post = await res.json();
    const due = post.deliveries.map((d: { scheduled_at: string }) => Date.parse(d.scheduled_at)).sort();
    expect(due).toEqual([start, start + 2000, start + 4000]);

    const [done] = await settled(p, [post.id]);
    expect(done!.status).toBe('published');
    const pins = p.sandbox!.state.pinsOf(sandboxUserId);
    expect(pins).toHaveLength(3);
    const boards = [...p.sandbox!.state.boards.values()];
    const boardName = (id: string) => boards.find((b) => b.id === id)!.name;
    const byTime = [...pins].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    expect(byTime.map((x) => boardName(x.boardId))).toEqual(['Products', 'Gifts', 'Kitchen']);
    expect(byTime[2]!.sectionId).not.toBeNull();
    // Each pin no earlier than its time: the same image and link never reach Pinterest at once.
    byTime.forEach((pin, i) => expect(pin.createdAt.getTime()).toBeGreaterThanOrEqual(start + i * 2000));
    expect(byTime[1]!.createdAt.getTime() - byTime[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(1500);
  });

  it('names the bad board of several, and a bad interval, in one 4xx', async () => {
    images = await startImageServer();
    p = await startTestPinion({ dialect, sandbox: {} });
    await pinterestAccount(p);
    const res = await p.api('POST', '/api/v1/posts', {
      body: {
        content: 'x',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        interval: 'three days',
        platform_options: { pinterest: { boards: [{ board: 'Products' }, { board: 'Nowhere' }] } },
      },
    });
    expect(res.status).toBe(422);
    const fields = (await res.json()).errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('platform_options.pinterest.boards.1.board');
    expect(fields).toContain('interval');
  });
});
