import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinion } from '../helpers/cli.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { startPageServer } from '../links/pages.js';

describe('pinion link-check and suggest', () => {
  let p: TestPinion;
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    pages = await startPageServer();
  });
  afterAll(async () => {
    await p?.close();
    await pages?.close();
  });
  const env = () => ({ PINION_API_KEY: p.apiKey, PINION_API_URL: p.url, PINION_CONFIG: '' });

  it('checks a link through a running Pinion and prints the rich pin it would get', async () => {
    const r = await pinion(['link-check', `${pages.url}/old-apron`], env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`OK 200 ${pages.url}/products/indigo-apron (after 301, 302)`);
    expect(r.stdout).toContain('pinterest: product rich pin');
    const broken = await pinion(['link-check', `${pages.url}/gone`, '--json'], env());
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, status: 404 });
  }, 60_000);

  it('suggests titles with the keyword first', async () => {
    const r = await pinion(['suggest', '--url', `${pages.url}/products/indigo-apron`, '--keywords', 'kitchen apron', '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).titles[0]).toBe('Kitchen Apron: Indigo Linen Apron');
  }, 60_000);
});
