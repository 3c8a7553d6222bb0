import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { startPageServer } from './pages.js';

describe('title and description suggestions', () => {
  let p: TestPinion;
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    pages = await startPageServer();
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await pages?.close();
    await images?.close();
  });
  const suggest = async (body: Record<string, unknown>) => {
    const res = await p.api('POST', '/api/v1/pins:suggest', { body });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('builds titles from the product page with the keyword in the first 40 characters, descriptions within 500 with price facts', async () => {
    const s = await suggest({ url: `${pages.url}/products/indigo-apron`, keywords: ['kitchen apron', 'linen'], hashtags: true });
    expect(s).toMatchObject({ platform: 'pinterest', source: 'built-in', limits: { title: 100, description_shown: 500, description_max: 800 } });
    expect(s.titles.length).toBeGreaterThan(0);
    for (const title of s.titles) {
      expect([...title].length).toBeLessThanOrEqual(100);
      expect(title.toLowerCase().indexOf('kitchen apron')).toBeGreaterThanOrEqual(0);
      expect(title.toLowerCase().indexOf('kitchen apron')).toBeLessThan(40);
    }
    expect(s.titles[0]).toBe('Kitchen Apron: Indigo Linen Apron');
    for (const d of s.descriptions) expect([...d].length).toBeLessThanOrEqual(500);
    expect(s.descriptions[0]).toMatch(/^Kitchen apron: A hand-dyed indigo linen apron/);
    expect(s.descriptions[0]).toMatch(/Price: 48\.00 EUR\. In stock\. #kitchenapron #linen$/);
    expect(s.link.rich_previews.pinterest.type).toBe('product');
  });

  it('is deterministic and works from text alone', async () => {
    const body = { content: 'Our plum cake recipe uses late-summer plums and brown butter. It keeps for three days.', keywords: ['plum cake'] };
    const a = await suggest(body);
    expect(await suggest(body)).toEqual(a);
    expect(a.titles[0].toLowerCase().indexOf('plum cake')).toBeLessThan(40);
    expect(a.descriptions[0]).toContain('plum cake recipe');
  });

  it('needs a url or content; an unreachable page is a 422 naming the url', async () => {
    expect((await p.api('POST', '/api/v1/pins:suggest', { body: { keywords: ['x'] } })).status).toBe(422);
    const gone = await p.api('POST', '/api/v1/pins:suggest', { body: { url: `${pages.url}/gone` } });
    expect(gone.status).toBe(422);
    expect((await gone.json()).errors[0].field).toBe('url');
  });

  it('an OpenAI-compatible endpoint that fails leaves the built-in suggestions', async () => {
    const withLlm = await startTestPinion({ sandbox: {}, config: { llm: { baseUrl: `${pages.url}/no-llm-here`, model: 'm', timeoutMs: 2000 } } });
    try {
      const res = await withLlm.api('POST', '/api/v1/pins:suggest', {
        body: { content: 'Plum cake with brown butter, baked in one bowl.', keywords: ['plum cake'] },
      });
      const s = await res.json();
      expect(s.source).toBe('built-in');
      expect(s.titles[0].toLowerCase()).toContain('plum cake');
    } finally {
      await withLlm.close();
    }
  });

  it('a configured OpenAI-compatible endpoint improves them when its answer keeps to the rules', async () => {
    const withLlm = await startTestPinion({ sandbox: {}, config: { llm: { baseUrl: `${pages.url}/llm`, model: 'm', timeoutMs: 2000 } } });
    try {
      const s = await (
        await withLlm.api('POST', '/api/v1/pins:suggest', { body: { content: 'Plum cake with brown butter, baked in one bowl.', keywords: ['plum cake'] } })
      ).json();
      expect(s.source).toBe('llm');
      expect(s.titles[0]).toBe('Plum cake with brown butter, one bowl');
      expect(s.titles.length).toBeGreaterThan(1); // the built-in ones follow
      const off = await (await withLlm.api('POST', '/api/v1/pins:suggest', { body: { content: 'Apple pie.', keywords: ['apple pie'] } })).json();
      expect(off.source).toBe('built-in'); // the model's title lost the keyword
    } finally {
      await withLlm.close();
    }
  });

  it('posts:validate warns about a title without a keyword, a short description and missing alt text', async () => {
    const res = await p.api('POST', '/api/v1/posts:validate', {
      body: {
        content: 'Nice apron',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        keywords: ['linen apron'],
        platform_options: { pinterest: { board: 'Products', title: 'New in the shop' } },
      },
    });
    const v = await res.json();
    expect(v.valid).toBe(true);
    expect(v.warnings).toContainEqual({ field: 'platform_options.pinterest.title', message: expect.stringMatching(/none of the keywords \(linen apron\)/) });
    expect(v.warnings).toContainEqual({ field: 'content', message: expect.stringMatching(/is 10 characters: under 100/) });
    expect(v.warnings).toContainEqual({ field: 'platform_options.pinterest.alt_text', message: expect.stringMatching(/is missing/) });
  });
});
