import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, getPost, settled, waitFor } from '../../helpers/posts.js';
import { accounts, connectWithUsername, fastPlatforms, jpeg, metaSandbox, metaSandboxes } from '../../helpers/meta.js';
import { mediaConfig, startMediaServer, tinyMp4, uploadFile } from '../../media/support.js';

describe('Threads through the HTTP API against the Graph sandbox', () => {
  let p: TestPinion;
  let files: Awaited<ReturnType<typeof startMediaServer>>;
  let photo: string;
  let video: string;
  beforeAll(async () => {
    files = await startMediaServer({ '/broken.mp4': { type: 'video/mp4', bytes: Buffer.from('no video here') } });
    const config = { scheduler: FAST_SCHEDULER, platforms: fastPlatforms(), media: mediaConfig({ checkPostUrls: false, fetchAllowHosts: ['127.0.0.1'] }) };
    p = await startTestPinion({ worker: true, sandboxes: metaSandboxes(), config });
    photo = ((await (await uploadFile(p, await jpeg(), 'a.jpg')).json()) as { id: string }).id;
    video = ((await (await uploadFile(p, tinyMp4(), 'v.mp4')).json()) as { id: string }).id;
    await connectWithUsername(p, 'threads', 'talker');
  });
  afterAll(async () => {
    await p?.close();
    await files?.close();
  });

  const post = async (body: Record<string, unknown>) => {
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['threads'], ...body } });
    const json = (await res.json()) as { id: string; warnings?: Array<{ field: string; message: string }> };
    expect(res.status, JSON.stringify(json)).toBe(201);
    return json;
  };
  const world = () => metaSandbox(p, 'threads').world;

  it('connects with Threads login and a long-lived token', async () => {
    const account = (await accounts(p)).find((a) => a.platform === 'threads')!;
    expect(account).toMatchObject({ username: 'talker', status: 'active' });
    expect([...world().tokens.values()].filter((t) => t.subject === account.external_id).map((t) => t.kind)).toEqual(['th_short', 'th_long']);
  });

  it('counts text as Threads does (emoji as UTF-8 bytes) and fits post-wide text to 500', async () => {
    const emoji = '👍🏽'.repeat(62); // 8 bytes each: 496
    const ok = await (
      await p.api('POST', '/api/v1/posts:validate', { body: { platforms: ['threads'], platform_options: { threads: { content: `${emoji}abcd` } } } })
    ).json();
    expect(ok.valid).toBe(true);
    const over = await (
      await p.api('POST', '/api/v1/posts:validate', { body: { platforms: ['threads'], platform_options: { threads: { content: `${emoji}abcde` } } } })
    ).json();
    expect(over.errors).toContainEqual({
      field: 'platform_options.threads.content',
      message: expect.stringContaining('is 501 characters as Threads counts them'),
    });
    const fitted = await (await p.api('POST', '/api/v1/posts:validate', { body: { platforms: ['threads'], content: 'word '.repeat(120) } })).json();
    expect(fitted.deliveries[0].adaptations).toContainEqual(expect.objectContaining({ kind: 'text_fitted' }));
  });

  it('publishes a text, an image, a video and a carousel', async () => {
    const ids = [
      (await post({ content: 'Hello Threads', link: 'https://example.com/a' })).id,
      (await post({ content: 'A picture', media_id: photo, platform_options: { threads: { alt_text: 'orange square' } } })).id,
      (await post({ content: 'A clip', media_id: video })).id,
      (await post({ content: 'Both', platform_options: { threads: { media: [{ media_id: photo }, { media_id: video }] } } })).id,
    ];
    const done = await settled(p, ids);
    for (const d of done)
      expect(d.deliveries[0], JSON.stringify(d.deliveries[0])).toMatchObject({
        status: 'published',
        url: expect.stringContaining('https://www.threads.net/@talker/post/'),
      });
    const made = done.map((d) => world().published.get(d.deliveries[0]!.external_id!)!);
    expect(made.map((m) => m.type)).toEqual(['TEXT', 'IMAGE', 'VIDEO', 'CAROUSEL']);
    expect(made[0]!.text).toBe('Hello Threads https://example.com/a');
    expect(made[3]!.children).toHaveLength(2);
  });

  it('posts long text as a chain of replies when asked', async () => {
    const long = Array.from({ length: 130 }, (_, i) => `word${i}`).join(' ');
    const { id, warnings } = await post({ content: long, platform_options: { threads: { thread: true } } });
    expect(warnings).toContainEqual({ field: 'content', message: expect.stringContaining('becomes a chain of 2 posts') });
    const [done] = await settled(p, [id]);
    const first = world().published.get(done!.deliveries[0]!.external_id!)!;
    const reply = [...world().published.values()].find((x) => x.replyTo === first.id)!;
    expect(first.text.endsWith(' …')).toBe(true);
    expect(`${first.text.slice(0, -2)} ${reply.text}`).toBe(long);
  });

  it("fails with Threads' reason when the container ends in ERROR", async () => {
    const { id } = await post({ content: 'bad clip', media_url: `${files.url}/broken.mp4` });
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({
      status: 'failed',
      last_error: { kind: 'rejected', message: expect.stringMatching(/container ERROR.*UNKNOWN/) },
    });
  });

  it('adopts a chain part whose publish answer was lost, and finishes the chain without a second copy', async () => {
    // The second part's publish is carried out, then its answer is cut off.
    metaSandbox(p, 'threads').faults.add({ operation: 'POST /{id}/threads_publish', kind: 'drop', skip: 1 });
    const long = Array.from({ length: 200 }, (_, i) => `dropped${i}`).join(' ');
    const { id } = await post({ content: long, platform_options: { threads: { thread: true } } });
    const [done] = await settled(p, [id]);
    // The search adopts the lost part; the next attempt goes on from there and finishes the chain.
    expect(done!.deliveries[0]).toMatchObject({ status: 'published', attempts: 2 });
    const texts = (done!.deliveries[0]!.payload as { parts: Array<{ text: string }> }).parts.map((x) => x.text);
    const chain = [...world().published.values()].filter((x) => texts.includes(x.text));
    const parts = texts.length;
    expect(parts).toBeGreaterThan(2);
    expect(chain).toHaveLength(parts);
    expect(new Set(chain.map((x) => x.text)).size).toBe(chain.length);
    expect(chain.filter((x) => x.replyTo === null)).toHaveLength(1);
  });

  // Last: a full quota holds the account's writes until the window has room.
  it('waits when the 24 h quota is used up', async () => {
    const th = metaSandbox(p, 'threads');
    th.options.threadsQuota = [...world().published.values()].filter((x) => x.platform === 'threads' && !x.replyTo).length;
    const { id } = await post({ content: 'over the quota' });
    const d = await waitFor(async () => {
      const x = (await getPost(p, id)).deliveries[0]!;
      return x.last_error?.kind === 'rate_limited' ? x : undefined;
    }, 'the quota wait');
    expect(d.status).toBe('scheduled');
    expect(d.last_error!.message).toContain('publishing quota');
    th.options.threadsQuota = 250;
  });
});
