import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

describe.each(DIALECTS)('creating posts on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let boardId: string;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    images = await startImageServer();
    boardId = (await pinterestAccount(p)).board.id;
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const post = (body: unknown, headers?: Record<string, string>) => p.api('POST', '/api/v1/posts', { body, headers });
  const base = () => ({
    content: 'Linen apron, hand-dyed in indigo',
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    link: 'https://shop.example/apron',
    scheduled_at: '2031-05-01T09:00:00+02:00',
    platform_options: { pinterest: { board: 'products', title: 'Indigo linen apron', alt_text: 'A blue apron on a hook' } },
  });

  it('accepts the PostEverywhere shape and stores exactly what Pinterest will receive', async () => {
    const res = await post(base());
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.status).toBe('scheduled');
    expect(created.scheduled_at).toBe('2031-05-01T07:00:00.000Z');
    expect(created.deliveries).toHaveLength(1);
    expect(created.deliveries[0]).toMatchObject({ platform: 'pinterest', status: 'scheduled', attempts: 0 });
    expect(created.deliveries[0].payload).toEqual({
      board_id: boardId,
      title: 'Indigo linen apron',
      description: 'Linen apron, hand-dyed in indigo',
      link: 'https://shop.example/apron',
      alt_text: 'A blue apron on a hook',
      media_source: { source_type: 'image_url', url: `${images.url}/good.jpg` },
    });
    expect(await (await p.api('GET', `/api/v1/posts/${created.id}`)).json()).toMatchObject({ id: created.id, status: 'scheduled' });
  });

  it('refuses private image addresses when the post is made, and leaves fetching the image to the preflight', async () => {
    for (const url of ['http://10.0.0.1/apron.jpg', 'http://169.254.169.254/latest/meta-data']) {
      const res = await post({ ...base(), media_url: url });
      expect(res.status, url).toBe(422);
      const problem = await res.json();
      expect(problem.errors.find((e: { field: string }) => e.field === 'media_url')?.message, url).toMatch(/cannot be used: .*is not a public address/i);
    }
    // Broken and missing images are found by the background preflight (test/posts/media-preflight.test.ts), not here.
    for (const path of ['/broken.png', '/missing.png']) expect((await post({ ...base(), media_url: `${images.url}${path}` })).status, path).toBe(201);
  });

  it('has no scheduling cap: a post years ahead is fine', async () => {
    const res = await post({ ...base(), scheduled_at: '2040-12-24T18:00:00Z' });
    expect(res.status).toBe(201);
  });

  it('reads a wall-clock time in the given time zone', async () => {
    const res = await post({ ...base(), scheduled_at: '2031-07-01T09:30:00', timezone: 'America/New_York' });
    expect((await res.json()).scheduled_at).toBe('2031-07-01T13:30:00.000Z');
  });

  it('rejects every bad field at once, per the official limits, and stores nothing', async () => {
    const before = (await (await p.api('GET', '/api/v1/posts?limit=200')).json()).data.length;
    const res = await post({
      content: 'x'.repeat(801),
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      link: 'not a url',
      scheduled_at: '2031-05-01T09:00:00',
      platform_options: { pinterest: { board: 'Products', title: 't'.repeat(101), alt_text: 'a'.repeat(501) } },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const fields = (await res.json()).errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['link', 'platform_options.pinterest.alt_text', 'platform_options.pinterest.title', 'scheduled_at']);
    expect((await (await p.api('GET', '/api/v1/posts?limit=200')).json()).data.length).toBe(before);
  });

  it('fits post-wide text that is too long, says so, and refuses instead when the post is strict', async () => {
    const long = `${'A sentence about linen aprons. '.repeat(30)}#linen #apron`;
    const fitted = await post({ ...base(), content: long });
    expect(fitted.status).toBe(201);
    const body = await fitted.json();
    const description = body.deliveries[0].payload.description as string;
    expect([...description].length).toBeLessThanOrEqual(800);
    expect(description).toMatch(/aprons\. #linen #apron$/);
    expect(body.warnings).toContainEqual({ field: 'content', message: expect.stringMatching(/Pinterest takes 800, so the description was cut/) });
    const strict = await post({ ...base(), content: long, strict: true });
    expect(strict.status).toBe(422);
    expect((await strict.json()).errors).toContainEqual({ field: 'content', message: expect.stringMatching(/refused because the post is strict/) });
    // Text written for Pinterest itself is never cut: too long is an error.
    const own = await post({ ...base(), platform_options: { pinterest: { board: 'Products', description: 'd'.repeat(801) } } });
    expect((await own.json()).errors).toContainEqual({
      field: 'platform_options.pinterest.description',
      message: 'must be at most 800 characters for Pinterest (has 801)',
    });
  });

  it('checks the board exists on the account, and carousels have 2 to 5 images', async () => {
    const noBoard = await (await post({ ...base(), platform_options: { pinterest: { board: 'Nope' } } })).json();
    expect(noBoard.errors).toEqual([{ field: 'platform_options.pinterest.board', message: 'no board "Nope" on Pinterest account shop (closest: Products)' }]);
    // A wrong board does not hide the post's other mistakes: one answer names them all.
    const alsoBadMedia = await post({
      ...base(),
      media_url: 'ftp://shop.example/a.jpg',
      link: 'javascript:alert(1)',
      platform_options: { pinterest: { board: 'Nope' } },
    });
    expect(alsoBadMedia.status).toBe(422);
    expect((await alsoBadMedia.json()).errors.map((e: { field: string }) => e.field).sort()).toEqual(['link', 'media_url', 'platform_options.pinterest.board']);
    const missing = await (await post({ ...base(), platform_options: { pinterest: {} } })).json();
    expect(missing.errors[0].field).toBe('platform_options.pinterest.board_id');
    const one = { media_url: `${images.url}/good.jpg` };
    const tooFew = await (await post({ ...base(), media_url: undefined, platform_options: { pinterest: { board: 'Products', carousel: [one] } } })).json();
    expect(tooFew.errors).toContainEqual({ field: 'platform_options.pinterest.carousel', message: 'must have 2 to 5 images (has 1)' });
    const tooMany = await (
      await post({ ...base(), media_url: undefined, platform_options: { pinterest: { board: 'Products', carousel: Array(6).fill(one) } } })
    ).json();
    expect(tooMany.errors[0].message).toBe('must have 2 to 5 images (has 6)');
  });

  it('builds a carousel pin with per-item title, description and link', async () => {
    const items = [1, 2, 3].map((i) => ({
      media_url: `${images.url}/good.jpg?${i}`,
      title: `Slide ${i}`,
      description: `About ${i}`,
      link: `https://shop.example/${i}`,
    }));
    const res = await post({ ...base(), media_url: undefined, platform_options: { pinterest: { board: 'Products', carousel: items } } });
    expect(res.status).toBe(201);
    const payload = (await res.json()).deliveries[0].payload;
    expect(payload.media_source).toEqual({
      source_type: 'multiple_image_urls',
      items: items.map((i) => ({ url: i.media_url, title: i.title, description: i.description, link: i.link })),
    });
  });

  it('warns above 500 characters of description but accepts up to 800', async () => {
    const res = await post({ ...base(), content: 'd'.repeat(650) });
    expect(res.status).toBe(201);
    expect((await res.json()).warnings).toContainEqual({ field: 'content', message: 'is 650 characters; Pinterest shows about the first 500 in feeds' });
  });

  it('dry-runs with posts:validate: the exact payload, every warning, nothing stored', async () => {
    const before = (await (await p.api('GET', '/api/v1/posts?limit=200')).json()).data.length;
    const res = await p.api('POST', '/api/v1/posts:validate', {
      body: { ...base(), utm: { source: 'pinterest', medium: 'social', campaign: 'spring' }, platform_options: { pinterest: { board: 'Products' } } },
    });
    expect(res.status).toBe(200);
    const v = await res.json();
    expect(v.valid).toBe(true);
    expect(v.deliveries[0].payload.link).toBe('https://shop.example/apron?utm_source=pinterest&utm_medium=social&utm_campaign=spring');
    expect(v.warnings.map((w: { field: string }) => w.field)).toContain('platform_options.pinterest.alt_text');
    const bad = await (
      await p.api('POST', '/api/v1/posts:validate', { body: { ...base(), platform_options: { pinterest: { board: 'Products', title: 'x'.repeat(120) } } } })
    ).json();
    expect(bad.valid).toBe(false);
    expect(bad.errors[0].field).toBe('platform_options.pinterest.title');
    expect((await (await p.api('GET', '/api/v1/posts?limit=200')).json()).data.length).toBe(before);
  });

  it('tags links with the workspace UTM defaults when enabled, keeping parameters the link has', async () => {
    const patched = await p.api('PATCH', '/api/v1/workspace', { body: { settings: { utm: { enabled: true, source: 'pinterest', medium: 'organic' } } } });
    expect((await patched.json()).settings.utm).toEqual({ enabled: true, source: 'pinterest', medium: 'organic' });
    const res = await post({ ...base(), link: 'https://shop.example/apron?utm_source=newsletter&size=m' });
    expect((await res.json()).deliveries[0].payload.link).toBe('https://shop.example/apron?utm_source=newsletter&size=m&utm_medium=organic');
    const off = await post({ ...base(), utm: false });
    expect((await off.json()).deliveries[0].payload.link).toBe('https://shop.example/apron');
    await p.api('PATCH', '/api/v1/workspace', { body: { settings: {} } });
  });

  it('honours Idempotency-Key: same body, same post; another body, 409', async () => {
    const key = { 'idempotency-key': `order-${dialect}-1` };
    const first = await post(base(), key);
    const again = await post(base(), key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json()).id).toBe((await first.json()).id);
    const other = await post({ ...base(), content: 'changed' }, key);
    expect(other.status).toBe(409);
    expect((await other.json()).type).toBe('urn:pinion:problem:idempotency-conflict');
  });

  it('asks which account when the workspace has several on a platform', async () => {
    const second = await pinterestAccount(p, 'second_shop', 'Products');
    const res = await post(base());
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0]).toMatchObject({ field: 'accounts' });
    const both = await post({ ...base(), accounts: ['shop', second.account.id] });
    expect(both.status).toBe(201);
    const created = await both.json();
    expect(created.deliveries.map((d: { account_id: string }) => d.account_id)).toContain(second.account.id);
    expect(new Set(created.deliveries.map((d: { payload: { board_id: string } }) => d.payload.board_id)).size).toBe(2);
    const unknown = await post({ ...base(), accounts: ['ghost'] });
    expect((await unknown.json()).errors).toContainEqual({ field: 'accounts.0', message: 'no connected account "ghost" in this workspace' });
  });
});
