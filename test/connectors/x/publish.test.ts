import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { XClient, xPublisher, type XPayload, type XProgress } from '../../../src/connectors/x/index.js';
import { startFakeX } from './fake-x.js';

const USER = '2244994945';
const withToken = <T>(call: (t: string) => Promise<T>) => call('tok');

describe('publishing to X', () => {
  let x: Awaited<ReturnType<typeof startFakeX>>;
  let client: XClient;
  beforeAll(async () => {
    x = await startFakeX({ userId: USER });
    client = new XClient({ apiBaseUrl: x.url, authorizeUrl: 'https://x.com/i/oauth2/authorize', clientId: 'c', clientSecret: 's', timeoutMs: 5000 });
  });
  afterAll(() => x.close());
  beforeEach(() => {
    x.posts.length = 0;
    x.received.length = 0;
    x.faults.dropAfterCommit.clear();
    x.faults.pageSize = 100;
    x.faults.order = (p) => p;
    x.faults.timelineLag = false;
  });

  /** A delivery as the scheduler runs it: progress saved durably between attempts, slots counted. */
  function delivery(payload: XPayload, media: Record<string, { bytes: Buffer; mime: string }> = {}) {
    const state = { progress: null as XProgress | null, spent: 0, checkpoints: [] as XProgress[] };
    const input = () => ({
      payload,
      withToken,
      readMedia: async (id: string) => media[id] ?? Promise.reject(new Error(`no media ${id}`)),
      readUrl: async (url: string) => ({ bytes: Buffer.from(`bytes of ${url}`), mime: 'image/png' }),
      progress: state.progress,
      checkpoint: async (p: unknown) => {
        state.progress = structuredClone(p) as XProgress;
        state.checkpoints.push(state.progress);
      },
      spend: async () => {
        state.spent++;
      },
    });
    return { state, input };
  }

  const thread = (texts: string[], extra: Partial<XPayload> = {}): XPayload => ({
    user: { id: USER, username: 'pinion_shop' },
    parts: texts.map((text) => ({ text })),
    ...extra,
  });

  it('posts a thread in order, each part replying to the one before, spending a slot per extra part', async () => {
    const publisher = xPublisher(client, { pollMs: 1 });
    const d = delivery(thread(['one 1/3', 'two 2/3', 'three 3/3'], { reply_settings: 'following' }));
    const result = await publisher.publish(d.input());
    expect(x.posts.map((p) => p.text)).toEqual(['one 1/3', 'two 2/3', 'three 3/3']);
    expect(x.posts[1]!.in_reply_to).toBe(x.posts[0]!.id);
    expect(x.posts[2]!.in_reply_to).toBe(x.posts[1]!.id);
    expect(result).toEqual({ externalId: x.posts[0]!.id, url: `https://x.com/pinion_shop/status/${x.posts[0]!.id}` });
    expect(d.state.spent).toBe(2);
    expect(d.state.progress).toEqual({ done: x.posts.map((p) => p.id) });
    const bodies = x.received.filter((r) => r.path === '/2/tweets').map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.every((b) => b.reply_settings === 'following')).toBe(true);
  });

  it('uploads images and a video in chunks, waits for processing, sets alt text, then attaches them', async () => {
    const publisher = xPublisher(client, { pollMs: 1 });
    const video = Buffer.alloc(9 * 1024 * 1024, 1);
    const d = delivery(
      {
        user: { id: USER, username: 'pinion_shop' },
        parts: [
          {
            text: 'look',
            media: [
              { kind: 'image', source: 'https://cdn.example.com/a.png', alt_text: 'An apron' },
              { kind: 'image', source: 'pinion-media:med_1' },
            ],
          },
        ],
      },
      { med_1: { bytes: Buffer.from('jpeg'), mime: 'image/jpeg' } },
    );
    await publisher.publish(d.input());
    const ids = x.posts[0]!.media_ids!;
    expect(ids).toHaveLength(2);
    expect(x.media.get(ids[0]!)).toMatchObject({ segments: 1, alt: 'An apron', category: 'tweet_image' });
    expect(x.media.get(ids[1]!)).toMatchObject({ segments: 1, category: 'tweet_image' });
    expect(x.media.get(ids[1]!)!.alt).toBeUndefined();

    const v = delivery(
      { user: { id: USER, username: 'u' }, parts: [{ text: 'clip', media: [{ kind: 'video', source: 'pinion-media:med_v' }] }] },
      { med_v: { bytes: video, mime: 'video/mp4' } },
    );
    await publisher.publish(v.input());
    const vid = x.media.get(x.posts[1]!.media_ids![0]!)!;
    expect(vid).toMatchObject({ segments: 3, category: 'tweet_video' }); // 9 MB in 4 MiB segments
    expect(vid.polls).toBe(2); // polled STATUS until it succeeded
  });

  it('after a lost answer mid-thread, finds the part that went out and posts only the rest', async () => {
    const publisher = xPublisher(client, { pollMs: 1 });
    const d = delivery(thread(['alpha 1/3', 'beta & https://shop.example.com/p?a=1 2/3', 'gamma 3/3']));
    x.faults.dropAfterCommit.add('beta & https://shop.example.com/p?a=1 2/3'); // part 2 is made, its answer lost
    const since = Date.now();
    const err = await publisher.publish(d.input()).catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ kind: 'unknown_outcome' });
    expect(x.posts).toHaveLength(2);
    expect(d.state.progress).toMatchObject({ done: [x.posts[0]!.id], sending: { index: 1 } });

    // The scheduler looks first: the thread is not complete, so nothing is adopted yet.
    x.faults.order = (p) => [...p].reverse();
    expect(await publisher.findPublished({ payload: d.input().payload, since, exclude: new Set(), withToken, progress: d.state.progress })).toBeNull();

    // The next attempt adopts part 2 (despite t.co links and &amp; in X's copy) and posts part 3 once.
    const spentBefore = d.state.spent;
    const result = await publisher.publish(d.input());
    expect(x.posts.map((p) => p.text)).toEqual(['alpha 1/3', 'beta & https://shop.example.com/p?a=1 2/3', 'gamma 3/3']);
    expect(x.posts[2]!.in_reply_to).toBe(x.posts[1]!.id);
    expect(result.externalId).toBe(x.posts[0]!.id);
    expect(d.state.spent).toBe(spentBefore); // part 3 was this attempt's first write: its slot was taken by the scheduler
  });

  it('when the timeline lags and X refuses the part as a duplicate, the outcome stays unknown instead of failing', async () => {
    const publisher = xPublisher(client, { pollMs: 1 });
    const d = delivery(thread(['uno 1/2', 'dos 2/2']));
    x.faults.dropAfterCommit.add('dos 2/2');
    await expect(publisher.publish(d.input())).rejects.toMatchObject({ kind: 'unknown_outcome' });
    x.faults.timelineLag = true;
    const err = await publisher.publish(d.input()).catch((e: ConnectorError) => e);
    expect(err).toMatchObject({ kind: 'unknown_outcome', message: expect.stringContaining('duplicate') });
    expect(x.posts.map((p) => p.text)).toEqual(['uno 1/2', 'dos 2/2']);
    x.faults.timelineLag = false;
    await expect(publisher.publish(d.input())).resolves.toMatchObject({ externalId: x.posts[0]!.id });
    expect(x.posts).toHaveLength(2);
  });

  it('after a lost answer on the last part, the search adopts the whole thread', async () => {
    const publisher = xPublisher(client, { pollMs: 1 });
    const d = delivery(thread(['first 1/2', 'second 2/2']));
    x.faults.dropAfterCommit.add('second 2/2');
    const since = Date.now();
    await expect(publisher.publish(d.input())).rejects.toMatchObject({ kind: 'unknown_outcome' });
    const found = await publisher.findPublished({ payload: d.input().payload, since, exclude: new Set(), withToken, progress: d.state.progress });
    expect(found).toEqual({ externalId: x.posts[0]!.id, url: `https://x.com/pinion_shop/status/${x.posts[0]!.id}` });
  });

  it('finds a single post on any page in any order, never one another delivery owns', async () => {
    const publisher = xPublisher(client);
    const since = Date.now();
    const payload: XPayload = {
      user: { id: USER, username: 'pinion_shop' },
      parts: [{ text: 'Sale <today> https://shop.example.com/x', media: [{ kind: 'image', source: 'pinion-media:m' }] }],
    };
    // Another delivery's identical post (already adopted by it), then ours, then noise.
    x.posts.push({
      id: '1800000000000000100',
      text: payload.parts[0]!.text,
      created_at: new Date(since).toISOString(),
      conversation_id: '1800000000000000100',
      author_id: USER,
      media_ids: ['1'],
    });
    x.posts.push({
      id: '1800000000000000200',
      text: payload.parts[0]!.text,
      created_at: new Date(since).toISOString(),
      conversation_id: '1800000000000000200',
      author_id: USER,
      media_ids: ['2'],
    });
    for (let i = 0; i < 12; i++)
      x.posts.push({
        id: String(1800000000000000300n + BigInt(i)),
        text: `noise ${i}`,
        created_at: new Date(since).toISOString(),
        conversation_id: '0',
        author_id: USER,
      });
    x.faults.pageSize = 5;
    x.faults.order = (p) => [...p.slice(2), p[1]!, p[0]!]; // ours on the last page, oldest last
    const found = await publisher.findPublished({ payload, since, exclude: new Set(['1800000000000000100']), withToken });
    expect(found?.externalId).toBe('1800000000000000200');
    const search = x.received.find((r) => r.path === `/2/users/${USER}/tweets`)!;
    expect(Date.parse(search.query.get('start_time')!)).toBeLessThanOrEqual(since - 5 * 60_000 + 1000);
    expect(search.query.get('post.fields')).toContain('created_at');

    expect(await publisher.findPublished({ payload: { ...payload, parts: [{ text: 'never posted' }] }, since, exclude: new Set(), withToken })).toBeNull();
  });

  it('removes a post, and a post already gone is not an error', async () => {
    const publisher = xPublisher(client);
    const d = delivery(thread(['to delete']));
    const { externalId } = await publisher.publish(d.input());
    await publisher.remove!({ externalId, withToken });
    expect(x.posts).toHaveLength(0);
    await expect(publisher.remove!({ externalId, withToken })).resolves.toBeUndefined();
  });
});
