import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingFetch, type Exchange } from '../sandbox/pinterest/support.js';
import { check, loadValidator, type Api } from '../helpers/pinterest-spec.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, settled, startImageServer } from '../helpers/posts.js';

/**
 * The emulator is checked against the spec elsewhere; this checks Pinion's side: every request
 * the Pinterest connector sends (OAuth, boards, sections, pins, reconciliation) and every answer
 * it relied on, recorded off the wire during real flows and validated against the official spec.
 */
describe("Pinion's Pinterest traffic conforms to the official v5.23 spec", () => {
  const log: Exchange[] = [];
  const original = globalThis.fetch;
  let api: Api;
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    api = await loadValidator();
    globalThis.fetch = recordingFetch(log, original);
    images = await startImageServer();
    p = await startTestPinion({
      worker: true,
      sandbox: { faults: { dropAfterCommitRate: 1, only: ['POST /v5/pins'], seed: 1 } },
      config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() },
    });
  });
  afterAll(async () => {
    globalThis.fetch = original;
    await p?.close();
    await images?.close();
  });

  it('connect, refresh, boards, sections, image and carousel pins, and the search after a lost answer', async () => {
    const { account } = await pinterestAccount(p);
    await p.api('POST', `/api/v1/accounts/${account.id}/refresh`);
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/boards/Products/sections`, { body: { name: 'Aprons' } })).status).toBe(201);
    await p.api('GET', `/api/v1/accounts/${account.id}/boards/Products/sections?refresh=true`);
    const image = {
      content: 'One',
      platforms: ['pinterest'],
      media_url: `${images.url}/good.jpg`,
      link: 'https://shop.example/1',
      platform_options: { pinterest: { board: 'Products', board_section: 'Aprons', title: 'One', alt_text: 'alt', dominant_color: '#112233' } },
    };
    const carousel = {
      content: 'Two',
      platforms: ['pinterest'],
      platform_options: {
        pinterest: {
          board: 'Products',
          title: 'Two',
          carousel: ['good.jpg', 'good.png'].map((f, i) => ({ media_url: `${images.url}/${f}`, title: `S${i}`, link: `https://shop.example/s${i}` })),
        },
      },
    };
    const ids = [];
    for (const body of [image, carousel]) ids.push((await (await p.api('POST', '/api/v1/posts', { body })).json()).id);
    const done = await settled(p, ids);
    expect(done.map((d) => `${d.status} ${d.deliveries[0]!.last_error?.message ?? ''}`.trim())).toEqual(['published', 'published']);
    expect(done.every((d) => d.deliveries[0]!.adopted)).toBe(true);
    // With answers no longer lost, a create's answer is on the wire too.
    p.sandbox!.setFaults({});
    const third = (await (await p.api('POST', '/api/v1/posts', { body: { ...image, content: 'Three' } })).json()).id;
    expect((await settled(p, [third]))[0]!.status).toBe('published');

    const prefix = '/sandbox/pinterest';
    const pinterest = log.filter((e) => e.url.pathname.startsWith(`${prefix}/v5/`));
    const results = pinterest.map((e) => check(api, e, prefix));
    expect(results.flatMap((r) => r.findings)).toEqual([]);
    const operations = new Set(results.map((r) => r.operationId));
    for (const op of [
      'oauth/token',
      'user_account/get',
      'boards/create',
      'boards/list',
      'board_sections/create',
      'board_sections/list',
      'pins/create',
      'boards/list_pins',
    ]) {
      expect(operations, op).toContain(op);
    }
  });
});
