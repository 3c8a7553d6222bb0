import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetaSandbox, type MetaSandbox } from '../../../src/sandbox/meta/index.js';
import { jpeg } from '../../helpers/meta.js';
import { startMediaServer, tinyMp4 } from '../../media/support.js';

describe('the Graph API sandbox, called directly', () => {
  let app: FastifyInstance;
  let ig: MetaSandbox;
  let base: string;
  let files: Awaited<ReturnType<typeof startMediaServer>>;
  let token: string;
  let userId: string;
  let now = Date.UTC(2031, 0, 1);
  beforeAll(async () => {
    files = await startMediaServer({
      '/a.jpg': { type: 'image/jpeg', bytes: await jpeg() },
      '/v.mp4': { type: 'video/mp4', bytes: tinyMp4() },
      '/bad.jpg': { type: 'image/jpeg', bytes: Buffer.from('nope') },
    });
    ig = createMetaSandbox({
      mount: 'instagram',
      world: 'sandbox-direct',
      fetchAllowHosts: ['127.0.0.1'],
      imageProcessingMs: 0,
      videoProcessingMs: 1000,
      containerTtlSeconds: 3600,
      now: () => now,
    });
    app = Fastify();
    await app.register(ig.plugin, { prefix: '/sandbox/instagram' });
    base = `${await app.listen({ port: 0, host: '127.0.0.1' })}/sandbox/instagram`;
    const user = ig.world.addIgUser('direct_ig');
    userId = user.id;
    token = ig.world.issue('ig_long', user.id, 'pinion-sandbox', now, 5_183_944).value;
  });
  afterAll(async () => {
    await app?.close();
    await files?.close();
  });

  const call = async (method: string, path: string, form?: Record<string, string>, auth = token) => {
    const res = await fetch(`${base}/v21.0${path}`, {
      method,
      headers: { authorization: `Bearer ${auth}`, ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: form && new URLSearchParams(form).toString(),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as any };
  };

  it("answers errors in Meta's shape, with usage headers on every answer", async () => {
    const bad = await call('GET', '/me', undefined, 'not-a-token');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ type: 'OAuthException', code: 190, message: expect.any(String), fbtrace_id: expect.any(String) });
    const ok = await call('GET', `/${userId}/content_publishing_limit`);
    expect(ok.body).toEqual({ data: [{ quota_usage: 0, config: { quota_total: 50, quota_duration: 86400 } }] });
    expect(JSON.parse(ok.headers.get('x-app-usage')!)).toHaveProperty('call_count');
    expect(JSON.parse(ok.headers.get('x-business-use-case-usage')!)[userId][0]).toMatchObject({ type: 'instagram' });
  });

  it('refuses a parameter the IGUser spec does not list', async () => {
    const res = await call('POST', `/${userId}/media`, { image_url: `${files.url}/a.jpg`, made_up: '1' });
    expect(res.body.error).toMatchObject({ code: 100, message: expect.stringContaining('made_up') });
  });

  it('fetches and decodes image_url at once: a broken image is refused with subcode 2207052', async () => {
    const res = await call('POST', `/${userId}/media`, { image_url: `${files.url}/bad.jpg` });
    expect(res.body.error).toMatchObject({ code: 9004, error_subcode: 2207052 });
  });

  it('keeps a video container IN_PROGRESS while processing, refuses publishing it early, then FINISHED → published; EXPIRED after its lifetime', async () => {
    const made = await call('POST', `/${userId}/media`, { media_type: 'REELS', video_url: `${files.url}/v.mp4`, caption: 'reel' });
    const id = made.body.id as string;
    expect((await call('GET', `/${id}?fields=status_code,status`)).body.status_code).toBe('IN_PROGRESS');
    expect((await call('POST', `/${userId}/media_publish`, { creation_id: id })).body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
    now += 1500;
    await new Promise((r) => setTimeout(r, 100)); // the download itself is real
    expect((await call('GET', `/${id}?fields=status_code`)).body.status_code).toBe('FINISHED');
    const published = await call('POST', `/${userId}/media_publish`, { creation_id: id });
    expect(published.body.id).toMatch(/^\d+$/);
    expect((await call('GET', `/${id}?fields=status_code`)).body.status_code).toBe('PUBLISHED');

    const stale = (await call('POST', `/${userId}/media`, { image_url: `${files.url}/a.jpg` })).body.id as string;
    now += 3601_000;
    expect((await call('GET', `/${stale}?fields=status_code,status`)).body).toMatchObject({
      status_code: 'EXPIRED',
      status: expect.stringContaining('2207008'),
    });
  });

  it('injects a 5xx before anything happens, a hang, and a drop after the work is done', async () => {
    const before = ig.world.containers.size;
    ig.faults.set([{ operation: 'POST /{id}/media', kind: 'error', status: 500 }]);
    const failed = await call('POST', `/${userId}/media`, { image_url: `${files.url}/a.jpg` });
    expect(failed.status).toBe(500);
    expect(failed.body.error.code).toBe(1);
    expect(ig.world.containers.size).toBe(before);

    ig.faults.set([{ operation: 'GET /me', kind: 'hang', hangMs: 150 }]);
    const started = Date.now();
    await expect(call('GET', '/me')).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    ig.faults.set([{ operation: 'POST /{id}/media', kind: 'drop' }]);
    await expect(call('POST', `/${userId}/media`, { image_url: `${files.url}/a.jpg` })).rejects.toThrow();
    expect(ig.world.containers.size).toBe(before + 1);
  });

  it('refuses refreshing a long-lived token younger than a day, and shows its state for inspection', async () => {
    const young = await fetch(
      `${base}/refresh_access_token?grant_type=ig_refresh_token&access_token=${ig.world.issue('ig_long', userId, 'pinion-sandbox', now, 5_183_944).value}`,
    );
    expect(((await young.json()) as any).error).toMatchObject({ code: 10 });
    const state = (await (await fetch(`${base}/_sandbox/state`)).json()) as any;
    expect(state.instagram_users.map((u: { username: string }) => u.username)).toContain('direct_ig');
    expect(state.published.length).toBeGreaterThan(0);
  });
});
