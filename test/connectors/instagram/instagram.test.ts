import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, getPost, settled, waitFor } from '../../helpers/posts.js';
import { accounts, connectFacebook, connectWithUsername, fastPlatforms, jpeg, metaSandbox, metaSandboxes } from '../../helpers/meta.js';
import { mediaConfig, startMediaServer, tinyMp4, uploadFile } from '../../media/support.js';

describe('Instagram through the HTTP API against the Graph sandbox', () => {
  let p: TestPinion;
  let files: Awaited<ReturnType<typeof startMediaServer>>;
  let photo: string;
  let photo2: string;
  let video: string;
  beforeAll(async () => {
    files = await startMediaServer({ '/square.jpg': { type: 'image/jpeg', bytes: await jpeg() } });
    const config = { scheduler: FAST_SCHEDULER, platforms: fastPlatforms(), media: mediaConfig({ checkPostUrls: false, fetchAllowHosts: ['127.0.0.1'] }) };
    p = await startTestPinion({ worker: true, sandboxes: metaSandboxes(), config });
    const upload = async (bytes: Buffer, name: string) => ((await (await uploadFile(p, bytes, name)).json()) as { id: string }).id;
    photo = await upload(await jpeg(), 'a.jpg');
    photo2 = await upload(await jpeg(1080, 1350), 'b.jpg');
    video = await upload(tinyMp4(), 'reel.mp4');
  });
  afterAll(async () => {
    await p?.close();
    await files?.close();
  });

  const post = async (body: Record<string, unknown>, account = 'studio_ig') => {
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['instagram'], accounts: [account], ...body } });
    const json = (await res.json()) as { id: string; warnings?: Array<{ field: string; message: string }> };
    expect(res.status, JSON.stringify(json)).toBe(201);
    return json;
  };
  const world = () => metaSandbox(p, 'instagram').world;
  const published = (id: string) => world().published.get(id)!;

  it('connects through Instagram Login with a long-lived token', async () => {
    const { authorize, callback, callbackRes } = await connectWithUsername(p, 'instagram', 'studio_ig');
    expect(authorize.pathname).toBe('/sandbox/instagram/oauth/authorize');
    expect(authorize.searchParams.get('scope')).toBe('instagram_business_basic,instagram_business_content_publish,instagram_business_manage_comments');
    expect(callback).toMatch(/#_$/);
    expect(callbackRes.status).toBe(200);
    // Pinion's public URL here is loopback: connecting says stored media cannot be fetched by Instagram from it.
    expect(await callbackRes.text()).toMatch(
      /Instagram downloads uploaded media from Pinion&#39;s public URL http:\/\/127\.0\.0\.1:\d+, which it cannot reach \(127\.0\.0\.1 is not a public address\)/,
    );
    const account = (await accounts(p)).find((a) => a.username === 'studio_ig')!;
    expect(account).toMatchObject({ platform: 'instagram', account_type: 'BUSINESS', status: 'active' });
    const kinds = [...world().tokens.values()].filter((t) => t.subject === account.external_id).map((t) => t.kind);
    expect(kinds).toEqual(['ig_short', 'ig_long']);
  });

  it('refuses a post without media at validation, saying what to give', async () => {
    const check = await (await p.api('POST', '/api/v1/posts:validate', { body: { platforms: ['instagram'], content: 'just words' } })).json();
    expect(check.valid).toBe(false);
    expect(check.errors).toContainEqual({ field: 'media_url', message: expect.stringContaining('Instagram posts need an image or a video') });
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['instagram'], content: 'just words' } });
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toContainEqual({ field: 'media_url', message: expect.stringContaining('Instagram posts need an image or a video') });
  });

  it('publishes an image, a carousel, a Reel (uploaded resumably) and a story; the permalink is stored', async () => {
    const image = await post({ content: 'Morning light #studio', media_id: photo, platform_options: { instagram: { alt_text: 'A bright studio' } } });
    const carousel = await post({
      content: 'Three views',
      platform_options: { instagram: { media: [{ media_id: photo }, { media_id: photo2 }, { media_id: video }] } },
    });
    const reel = await post({ content: 'Behind the scenes', media_id: video });
    const story = await post({ media_id: photo, platform_options: { instagram: { kind: 'story' } } });
    const done = await settled(p, [image.id, carousel.id, reel.id, story.id]);
    for (const d of done)
      expect(d.deliveries[0], JSON.stringify(d.deliveries[0])).toMatchObject({
        status: 'published',
        url: expect.stringMatching(/^https:\/\/www\.instagram\.com\/(p|reel)\//),
      });
    const [i, c, r, s] = done.map((d) => published(d.deliveries[0]!.external_id!));
    expect([i!.type, c!.type, r!.type, s!.type]).toEqual(['FEED', 'CAROUSEL_ALBUM', 'REELS', 'STORY']);
    expect(i!.text).toBe('Morning light #studio');
    expect(c!.children).toHaveLength(3);
    // The Reel's bytes went by resumable upload, not by a URL Meta had to reach.
    const reelContainer = world().containers.get(r!.containerId!)!;
    expect(reelContainer.params).toMatchObject({ upload_type: 'resumable', media_type: 'REELS', share_to_feed: 'true' });
    expect(reelContainer.params.video_url).toBeUndefined();
    // The image was fetched by Meta from Pinion's signed, expiring link.
    expect(world().containers.get(i!.containerId!)!.params.image_url).toMatch(new RegExp(`^${p.url}/media/public/[A-Za-z0-9_-]{40,}$`));
    expect(world().containers.get(i!.containerId!)!.params.alt_text).toBe('A bright studio');
  });

  it('refuses a feed image outside 4:5–1.91:1 unless asked to crop or pad it, and then fits it when publishing', async () => {
    const tall = ((await (await uploadFile(p, await jpeg(1000, 1500), 'tall.jpg')).json()) as { id: string }).id;
    const wide = ((await (await uploadFile(p, await jpeg(2000, 800), 'wide.jpg')).json()) as { id: string }).id;
    const refused = await p.api('POST', '/api/v1/posts', { body: { platforms: ['instagram'], accounts: ['studio_ig'], content: 'tall', media_id: tall } });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(await refused.json())).toContain('set platform_options.instagram.fit');
    const cropped = await post({ content: 'tall, cropped', media_id: tall, platform_options: { instagram: { fit: 'crop' } } });
    expect(cropped.warnings).toContainEqual({ field: 'media_id', message: expect.stringContaining('it will be cropped') });
    const padded = await post({ content: 'wide, padded', media_id: wide, platform_options: { instagram: { fit: 'pad' } } });
    const done = await settled(p, [cropped.id, padded.id]);
    for (const d of done) expect(d.deliveries[0], JSON.stringify(d.deliveries[0])).toMatchObject({ status: 'published' });
    // The fitted copies are media of the workspace (Meta fetched them from their signed links).
    const media = ((await (await p.api('GET', '/api/v1/media?limit=200')).json()) as { data: Array<{ width: number; height: number; source: string }> }).data;
    const fitted = media.filter((m) => m.source === 'converted').map((m) => [m.width, m.height]);
    expect(fitted).toEqual(
      expect.arrayContaining([
        [1000, 1250],
        [2000, 1048],
      ]),
    );
  });

  it('drops a link from the caption with a warning, or posts it as the first comment when asked', async () => {
    const dropped = await post({ content: 'New prints', link: 'https://shop.example/prints', media_id: photo });
    expect(dropped.warnings).toContainEqual({ field: 'link', message: expect.stringContaining('the link is left out') });
    const commented = await post({
      content: 'New prints, linked',
      link: 'https://shop.example/prints',
      media_id: photo,
      platform_options: { instagram: { link_in_first_comment: true } },
    });
    const [a, b] = await settled(p, [dropped.id, commented.id]);
    expect(published(a!.deliveries[0]!.external_id!).text).toBe('New prints');
    const comments = world().comments.filter((x) => x.mediaId === b!.deliveries[0]!.external_id);
    expect(comments.map((x) => x.message)).toEqual(['https://shop.example/prints']);
  });

  it("fails the delivery with Meta's message when the container ends in ERROR", async () => {
    const { id } = await post({ content: 'Missing video', media_url: `${files.url}/gone.mp4` });
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({
      status: 'failed',
      last_error: { kind: 'rejected', message: expect.stringMatching(/container ERROR.*Media download has failed.*2207052/) },
    });
  });

  it("adopts the media when the publish call's answer is lost (accept-then-drop), publishing once", async () => {
    metaSandbox(p, 'instagram').faults.add({ operation: 'POST /{id}/media_publish', kind: 'drop' });
    const { id } = await post({ content: 'Dropped answer', media_id: photo });
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({ status: 'published', adopted: true });
    expect([...world().published.values()].filter((m) => m.text === 'Dropped answer')).toHaveLength(1);
  });

  it('publishes for an Instagram account reached through a Facebook Page, with the Page token on graph.facebook.com paths', async () => {
    metaSandbox(p, 'facebook').world.addPerson({ name: 'Bo', pages: [{ name: 'Bo Cafe', instagram: 'bo_cafe' }] });
    await connectFacebook(p, 'Bo');
    const { id } = await post({ content: 'Via the Page', media_id: photo }, 'bo_cafe');
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({ status: 'published' });
    const page = [...world().pages.values()].find((x) => x.name === 'Bo Cafe')!;
    expect(published(done!.deliveries[0]!.external_id!).owner).toBe(page.igUserId);
  });

  // Last: a full quota holds the account's writes until the window has room (24 h here).
  it('waits for the publishing quota window instead of failing, and says until when', async () => {
    const ig = metaSandbox(p, 'instagram');
    const before = world().listBy((await accounts(p)).find((a) => a.username === 'studio_ig')!.external_id, 'instagram').length;
    ig.options.instagramQuota = before;
    try {
      const { id } = await post({ content: 'Over quota', media_id: photo });
      const waiting = await waitFor(async () => {
        const d = (await getPost(p, id)).deliveries[0]!;
        return d.last_error?.kind === 'rate_limited' ? d : undefined;
      }, 'the post to wait for the quota');
      expect(waiting.status).toBe('scheduled');
      expect(waiting.last_error!.message).toMatch(/used its publishing quota \(\d+ of \d+ posts in 24 h\).*publishes when the window has room again/);
      // The window frees up 24 h after the oldest counted post.
      expect(Date.parse((waiting as unknown as { next_attempt_at: string }).next_attempt_at)).toBeGreaterThan(Date.now() + 23 * 3600_000);
      expect([...world().published.values()].some((m) => m.text === 'Over quota')).toBe(false);
    } finally {
      ig.options.instagramQuota = 50;
    }
  });
});
