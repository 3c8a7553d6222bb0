import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, getPost, settled, waitFor } from '../../helpers/posts.js';
import { accounts, connectFacebook, fastPlatforms, jpeg, metaSandbox, metaSandboxes } from '../../helpers/meta.js';
import { mediaConfig, startMediaServer, tinyMp4, uploadFile } from '../../media/support.js';

describe('Facebook Pages through the HTTP API against the Graph sandbox', () => {
  let p: TestPinion;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  beforeAll(async () => {
    media = await startMediaServer({
      '/photo.jpg': { type: 'image/jpeg', bytes: await jpeg() },
      '/clip.mp4': { type: 'video/mp4', bytes: tinyMp4() },
      '/broken.jpg': { type: 'image/jpeg', bytes: Buffer.from('not an image') },
    });
    // URLs are left for Meta to judge (as with a post made before the file broke): its refusal is what is tested.
    const config = { scheduler: FAST_SCHEDULER, platforms: fastPlatforms(), media: mediaConfig({ checkPostUrls: false, fetchAllowHosts: ['127.0.0.1'] }) };
    p = await startTestPinion({ worker: true, sandboxes: metaSandboxes(), config });
    metaSandbox(p, 'facebook').world.addPerson({ name: 'Ada', pages: [{ name: 'Ada Bakery', instagram: 'ada_bakes' }, { name: 'Ada Books' }] });
  });
  afterAll(async () => {
    await p?.close();
    await media?.close();
  });

  const post = async (body: Record<string, unknown>) => {
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['facebook'], accounts: ['Ada Bakery'], ...body } });
    const json = (await res.json()) as { id: string; errors?: unknown };
    expect(res.status, JSON.stringify(json)).toBe(201);
    return json.id;
  };

  it('connects every Page of the person and the Instagram account linked to one of them, in one login', async () => {
    const { callbackRes } = await connectFacebook(p, 'Ada');
    expect(callbackRes.status).toBe(200);
    const text = await callbackRes.text();
    expect(text).toContain('Ada Bakery on facebook is connected');
    expect(text).toContain('ada_bakes on instagram is connected');
    const list = await accounts(p);
    expect(list.map((a) => [a.platform, a.username]).sort()).toEqual([
      ['facebook', 'Ada Bakery'],
      ['facebook', 'Ada Books'],
      ['instagram', 'ada_bakes'],
    ]);
    const world = metaSandbox(p, 'facebook').world;
    const bakery = [...world.pages.values()].find((pg) => pg.name === 'Ada Bakery')!;
    expect(list.find((a) => a.username === 'ada_bakes')).toMatchObject({
      external_id: bakery.igUserId,
      account_type: 'BUSINESS via Facebook Login',
      status: 'active',
    });
    // Page tokens from a long-lived user token do not expire: the user token was exchanged first.
    expect([...world.tokens.values()].filter((t) => t.kind === 'fb_user')).toHaveLength(1);
    expect([...world.tokens.values()].filter((t) => t.kind === 'page').every((t) => t.expiresAt === null)).toBe(true);
  });

  it('asks which Page when several are connected', async () => {
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['facebook'], content: 'hi' } });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain('list the ones to post to');
  });

  it('publishes a text post, a link post, a photo, several photos and a video', async () => {
    const video = (await (await uploadFile(p, tinyMp4(), 'clip.mp4')).json()) as { id: string };
    const ids = [
      await post({ content: 'Fresh bread today' }),
      await post({ content: 'Our new menu', link: 'https://bakery.example/menu' }),
      await post({ content: 'Croissants', media_url: `${media.url}/photo.jpg`, platform_options: { facebook: { alt_text: 'A tray of croissants' } } }),
      await post({
        content: 'Two photos',
        platform_options: { facebook: { photos: [{ media_url: `${media.url}/photo.jpg` }, { media_url: `${media.url}/photo.jpg` }] } },
      }),
      await post({ content: 'Watch us bake', media_id: video.id }),
    ];
    const done = await settled(p, ids);
    for (const d of done) expect(d.deliveries[0], JSON.stringify(d.deliveries[0])).toMatchObject({ status: 'published' });
    const world = metaSandbox(p, 'facebook').world;
    const made = done.map((d) => world.published.get(d.deliveries[0]!.external_id!)!);
    expect(made.map((m) => m.type)).toEqual(['status', 'link', 'photo', 'photos', 'video']);
    expect(made[1]).toMatchObject({ text: 'Our new menu', link: 'https://bakery.example/menu' });
    expect(made[3]!.children).toHaveLength(2);
    expect(done[0]!.deliveries[0]!.url).toMatch(/^https:\/\/www\.facebook\.com\/\d+_\d+$/);
  });

  it('fails a photo Meta cannot read with its message, and warns at validation that a loopback public URL cannot serve stored media', async () => {
    const id = await post({ content: 'Broken', media_url: `${media.url}/broken.jpg` });
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({ status: 'failed', last_error: { kind: 'rejected', message: expect.stringContaining('(#324)') } });

    const m = (await (await uploadFile(p, await jpeg(), 'a.jpg')).json()) as { id: string };
    const check = await p.api('POST', '/api/v1/posts:validate', {
      body: { platforms: ['facebook'], accounts: ['Ada Books'], content: 'stored', media_id: m.id },
    });
    const body = (await check.json()) as { warnings: Array<{ field: string; message: string }> };
    expect(body.warnings).toContainEqual({ field: 'platforms.0', message: expect.stringContaining('127.0.0.1 is not a public address') });

    // Meta fetches the stored photo from Pinion's signed link (reachable here, on loopback).
    const stored = await post({ content: 'stored photo', media_id: m.id });
    const [out] = await settled(p, [stored]);
    expect(out!.deliveries[0]).toMatchObject({ status: 'published' });
  });

  it('adopts the post when the answer to POST /feed is lost (accept-then-drop), posting once; a 5xx before is simply retried', async () => {
    const fb = metaSandbox(p, 'facebook');
    fb.faults.add({ operation: 'POST /{id}/feed', kind: 'error', status: 503 });
    fb.faults.add({ operation: 'POST /{id}/feed', kind: 'drop' });
    const id = await post({ content: 'Exactly once, please' });
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({ status: 'published', adopted: true, attempts: 2 });
    expect([...fb.world.published.values()].filter((x) => x.text === 'Exactly once, please')).toHaveLength(1);
  });

  it('after a hang (no answer, nothing made) looks, finds nothing, and posts once', async () => {
    const fb = metaSandbox(p, 'facebook');
    fb.faults.add({ operation: 'POST /{id}/feed', kind: 'hang', hangMs: 2500 });
    const id = await post({ content: 'Patience' });
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({ status: 'published', adopted: false, attempts: 2 });
    expect([...fb.world.published.values()].filter((x) => x.text === 'Patience')).toHaveLength(1);
  });

  it('slows down when Meta reports the Page near its usage limit, before Meta refuses', async () => {
    const fb = metaSandbox(p, 'facebook');
    fb.options.usage.buc = 98;
    fb.options.usage.regainMinutes = 1;
    // One write records the high usage (and goes through); the next waits instead of being sent.
    const first = await post({ content: 'usage 1' });
    await settled(p, [first]);
    fb.options.usage.buc = 0;
    const second = await post({ content: 'usage 2' });
    const waiting = await waitFor(async () => {
      const d = (await getPost(p, second)).deliveries[0]!;
      return d.last_error?.kind === 'rate_limited' ? d : undefined;
    }, 'the second post to wait');
    expect(waiting.status).toBe('scheduled');
    expect(waiting.last_error!.message).toContain('X-Business-Use-Case-Usage');
    expect([...fb.world.published.values()].some((x) => x.text === 'usage 2')).toBe(false);
  });

  it('marks the Page needs_reauth when Meta invalidates its token (no refresh exists for Page tokens)', async () => {
    const world = metaSandbox(p, 'facebook').world;
    const books = [...world.pages.values()].find((pg) => pg.name === 'Ada Books')!;
    world.revokeSubject(books.id);
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['facebook'], accounts: ['Ada Books'], content: 'after the password change' } });
    const { id } = (await res.json()) as { id: string };
    const [done] = await settled(p, [id]);
    expect(done!.deliveries[0]).toMatchObject({ status: 'failed', last_error: { kind: 'auth_revoked' } });
    expect((await accounts(p)).find((a) => a.username === 'Ada Books')!.status).toBe('needs_reauth');
  });
});
