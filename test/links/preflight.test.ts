import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { LinkChecker } from '../../src/links/index.js';
import { linkPreflightPass } from '../../src/posts/index.js';
import { ManualClock } from '../../src/shared/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { DIALECTS } from '../helpers/stores.js';
import { startPageServer } from './pages.js';

const defaults = loadConfig({ env: {} });

describe.each(DIALECTS)('link preflight on %s', (dialect) => {
  let p: TestPinion;
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {}, config: { links: { ...defaults.links, checkPostLinks: true } } });
    pages = await startPageServer();
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await pages?.close();
    await images?.close();
  });
  const check = async (url: string) => {
    const res = await p.api('POST', '/api/v1/links:check', { body: { url } });
    expect(res.status).toBe(200);
    return res.json();
  };
  const validate = async (link: string, extra: Record<string, unknown> = {}) =>
    p.api('POST', '/api/v1/posts:validate', {
      body: {
        content: 'Linen apron, hand-dyed in indigo',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        link,
        scheduled_at: '2031-05-01T09:00:00+02:00',
        platform_options: { pinterest: { board: 'Products', title: 'Indigo linen apron', alt_text: 'A blue apron' } },
        ...extra,
      },
    });

  it('reads a product page: JSON-LD Product makes a product rich pin, with og/twitter tags and canonical', async () => {
    const r = await check(`${pages.url}/products/indigo-apron`);
    expect(r).toMatchObject({
      ok: true,
      status: 200,
      redirects: [],
      final_url: `${pages.url}/products/indigo-apron`,
      canonical: `${pages.url}/products/indigo-apron`,
    });
    expect(r.rich_previews.pinterest).toEqual({ type: 'product', label: 'product rich pin', missing: [] });
    expect(r.og).toMatchObject({ type: 'product', title: 'Indigo Linen Apron', image: 'https://cdn.shop.example/apron.jpg' });
    expect(r.twitter).toMatchObject({ card: 'summary_large_image' });
    expect(r.structured_data.find((s: { type: string }) => s.type === 'Product').fields).toMatchObject({
      'offers.price': '48.00',
      'offers.priceCurrency': 'EUR',
      'brand.name': 'Sunny',
    });
    expect(r.warnings).toEqual([]);
  });

  it('reads microdata: a Recipe with ingredients is a recipe rich pin; a Product without a price says what is missing', async () => {
    expect((await check(`${pages.url}/recipes/plum-cake`)).rich_previews.pinterest).toEqual({ type: 'recipe', label: 'recipe rich pin', missing: [] });
    expect((await check(`${pages.url}/mug`)).rich_previews.pinterest).toEqual({
      type: 'product',
      label: 'product rich pin',
      missing: ['price', 'currency', 'availability'],
    });
  });

  it('warns about a page with no og tags, in links:check and in posts:validate', async () => {
    const r = await check(`${pages.url}/plain`);
    expect(r.rich_previews.pinterest.type).toBeNull();
    expect(r.warnings.join('\n')).toMatch(/no og:title, og:description, og:image tags/);
    const res = await validate(`${pages.url}/plain`);
    const v = await res.json();
    expect(v.valid).toBe(true);
    expect(v.warnings).toContainEqual({ field: 'link', message: expect.stringMatching(/og:title/) });
    expect(v.warnings).toContainEqual({ field: 'link', message: expect.stringMatching(/pinterest: no rich preview/) });
  });

  it('follows a 301 then 302 and reports the chain and the final URL; the post is warned to link there', async () => {
    const r = await check(`${pages.url}/old-apron`);
    expect(r.ok).toBe(true);
    expect(r.redirects).toEqual([
      { url: `${pages.url}/old-apron`, status: 301, location: `${pages.url}/apron` },
      { url: `${pages.url}/apron`, status: 302, location: `${pages.url}/products/indigo-apron` },
    ]);
    expect(r.final_url).toBe(`${pages.url}/products/indigo-apron`);
    const v = await (await validate(`${pages.url}/old-apron`)).json();
    expect(v.warnings).toContainEqual({ field: 'link', message: expect.stringContaining(`redirects (301, 302) to ${pages.url}/products/indigo-apron`) });
    const strict = await validate(`${pages.url}/old-apron`, { strict: true });
    expect((await strict.json()).errors).toContainEqual({ field: 'link', message: expect.stringMatching(/redirects .* refused because the post is strict/) });
  });

  it('a 404 is a warning on the post, and with strict an error that stops it being scheduled', async () => {
    const r = await check(`${pages.url}/gone`);
    expect(r).toMatchObject({ ok: false, status: 404, error: 'the server answered 404' });
    const v = await (await validate(`${pages.url}/gone`)).json();
    expect(v.valid).toBe(true);
    expect(v.warnings).toContainEqual({ field: 'link', message: `${pages.url}/gone is not reachable: the server answered 404` });
    const strict = await p.api('POST', '/api/v1/posts', {
      body: {
        content: 'x'.repeat(120),
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        link: `${pages.url}/gone`,
        strict: true,
        platform_options: { pinterest: { board: 'Products' } },
      },
    });
    expect(strict.status).toBe(422);
    expect(strict.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await strict.json()).errors).toContainEqual({ field: 'link', message: expect.stringMatching(/answered 404 — refused because the post is strict/) });
  });

  it('bulk and CSV import never wait on a link: a recent check is used, unknown links are left to the background preflight', async () => {
    const unknown = `/bulk-never-seen-${dialect}`;
    await check(`${pages.url}/gone`);
    const one = (link: string, i: number) => ({
      content: 'x'.repeat(120),
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      link,
      scheduled_at: `2031-06-0${i}T09:00:00Z`,
      platform_options: { pinterest: { board: 'Products', title: `Bulk ${dialect} ${i}` } },
    });
    const res = await p.api('POST', '/api/v1/posts:bulk', { body: { posts: [one(`${pages.url}/gone`, 1), one(`${pages.url}${unknown}`, 2)] } });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(JSON.stringify(body.warnings)).toMatch(/gone is not reachable: the server answered 404/);
    expect(JSON.stringify(body.warnings)).not.toContain(unknown);
    expect(pages.hits.get(unknown) ?? 0).toBe(0);
    // A single post still checks its link before answering.
    const single = await p.api('POST', '/api/v1/posts', { body: one(`${pages.url}${unknown}`, 3) });
    expect(single.status).toBe(201);
    expect(pages.hits.get(unknown)).toBe(1);
  });

  it('caches each URL for a while: a second check does not fetch again, fresh: true does', async () => {
    const path = '/recipes/plum-cake';
    const before = pages.hits.get(path) ?? 0;
    await check(`${pages.url}${path}`);
    expect(pages.hits.get(path) ?? 0).toBe(before);
    await p.api('POST', '/api/v1/links:check', { body: { url: `${pages.url}${path}`, fresh: true } });
    expect(pages.hits.get(path)).toBe(before + 1);
  });

  it('the sandbox serves sample pages to try it on', async () => {
    const base = `${p.url}/sandbox/pinterest/_sandbox/pages`;
    const product = await check(`${base}/product`);
    expect(product, JSON.stringify(product)).toMatchObject({ ok: true });
    expect(product.rich_previews.pinterest).toEqual({ type: 'product', label: 'product rich pin', missing: [] });
    expect((await check(`${base}/recipe`)).rich_previews.pinterest.type).toBe('recipe');
    expect((await check(`${base}/article`)).rich_previews.pinterest).toEqual({ type: 'article', label: 'article rich pin', missing: [] });
    const moved = await check(`${base}/moved`);
    expect(moved).toMatchObject({ ok: true, final_url: `${base}/product` });
    expect(moved.redirects[0].status).toBe(301);
    expect((await check(`${base}/nothing`)).status).toBe(404);
  });

  it('refuses private addresses and bad URLs as the media fetch does', async () => {
    const r = await check('http://10.0.0.1/admin');
    expect(r).toMatchObject({ ok: false, status: 0 });
    expect(r.error).toMatch(/not a public address/);
    const bad = await p.api('POST', '/api/v1/links:check', { body: { url: 'ftp://shop.example/x' } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors).toEqual([{ field: 'url', message: 'must be an http or https URL' }]);
  });
});

describe('background link preflight', () => {
  it('checks the links of posts due soon again and shows the verdict on the post', async () => {
    const p = await startTestPinion({ sandbox: {} });
    const pages = await startPageServer();
    const images = await startImageServer();
    try {
      await pinterestAccount(p);
      const make = async (link: string, at: number) => {
        const res = await p.api('POST', '/api/v1/posts', {
          body: {
            content: 'x',
            platforms: ['pinterest'],
            media_url: `${images.url}/good.jpg`,
            link,
            scheduled_at: new Date(at).toISOString(),
            platform_options: { pinterest: { board: 'Products' } },
          },
        });
        expect(res.status).toBe(201);
        return (await res.json()).id as string;
      };
      const soon = await make(`${pages.url}/gone`, Date.now() + 3_600_000);
      const fine = await make(`${pages.url}/products/indigo-apron`, Date.now() + 7_200_000);
      const later = await make(`${pages.url}/gone`, Date.now() + 3 * 86_400_000);
      const clock = new ManualClock(Date.now());
      const broken: string[] = [];
      const checker = new LinkChecker({ allowHosts: ['127.0.0.1'], timeoutMs: 2000, maxBytes: 1_000_000, cacheSeconds: 60, clock });
      const pass = linkPreflightPass({ db: p.store.db, check: (url) => checker.check(url), clock, onBroken: (post) => void broken.push(post.id) });
      await pass.run(new AbortController().signal);
      const show = async (id: string) => (await (await p.api('GET', `/api/v1/posts/${id}`)).json()).link_check;
      expect(await show(soon)).toEqual({
        checked_at: new Date(clock.now()).toISOString(),
        links: [
          {
            field: 'link',
            url: `${pages.url}/gone`,
            ok: false,
            status: 404,
            final_url: `${pages.url}/gone`,
            redirects: 0,
            warnings: ['is not reachable: the server answered 404'],
          },
        ],
      });
      expect((await show(fine)).links[0]).toMatchObject({ ok: true, status: 200 });
      expect(await show(later)).toBeUndefined(); // not due within a day: not looked at yet
      expect(broken).toEqual([soon]);
    } finally {
      await p.close();
      await pages.close();
      await images.close();
    }
  });
});
