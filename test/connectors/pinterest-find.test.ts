import { afterEach, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../src/connectors/index.js';
import { PinterestClient } from '../../src/connectors/pinterest/index.js';
import type { PinCreate } from '../../src/connectors/pinterest/adapt.js';
import { pinterestPublisher } from '../../src/connectors/pinterest/publish.js';
import { parsePinterestTime as pinTime } from '../../src/connectors/pinterest/time.js';
import { startPinterestSandbox } from '../../src/sandbox/pinterest/index.js';
import { ManualClock } from '../../src/shared/index.js';
import { startImageServer } from '../helpers/posts.js';
import { ALL_SCOPES } from '../sandbox/pinterest/support.js';

describe('reading Pinterest times', () => {
  it('reads a time without a zone as UTC, whatever the zone of the process', () => {
    expect(pinTime('2022-12-05T01:19:00')).toBe(Date.UTC(2022, 11, 5, 1, 19));
    expect(pinTime('2022-12-05T01:19:00Z')).toBe(Date.UTC(2022, 11, 5, 1, 19));
    expect(pinTime('2022-12-05T02:19:00+01:00')).toBe(Date.UTC(2022, 11, 5, 1, 19));
    expect(pinTime(undefined)).toBeNaN();
    expect(pinTime('yesterday')).toBeNaN();
  });
});

/**
 * The search for the pin of an attempt whose answer was lost, against emulators that list a
 * board's pins newest first and oldest first: the spec does not say which, so neither may matter.
 */
describe.each(['newest_first', 'oldest_first'] as const)('looking for the pin of an unanswered attempt when Pinterest lists %s', (listOrder) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function board(pageSize: number, pageBudget = 20) {
    const clock = new ManualClock(Date.now() - 3 * 3600_000);
    const images = await startImageServer();
    const sandbox = await startPinterestSandbox({ listOrder, clock, listLagMs: 0, fetchAllowHosts: ['127.0.0.1'] });
    close = async () => {
      await sandbox.close();
      await images.close();
    };
    const client = new PinterestClient({
      apiBaseUrl: sandbox.url,
      authorizeUrl: `${sandbox.url}/oauth/`,
      clientId: 'pinion-sandbox',
      clientSecret: 'pinion-sandbox-secret',
      timeoutMs: 5000,
    });
    const user = sandbox.sandbox.createUser({ username: 'shop' });
    const token = sandbox.sandbox.issueTokens(user.id, ALL_SCOPES).access_token;
    const created = await client.createBoard(token, { name: 'Products' });
    const pin = (title: string, extra: Partial<PinCreate> = {}): PinCreate => ({
      board_id: created.id,
      title,
      description: 'Linen apron',
      link: 'https://shop.example/apron',
      media_source: { source_type: 'image_url', url: `${images.url}/good.jpg` },
      ...extra,
    });
    const publisher = pinterestPublisher(client, {}, { pageSize, pageBudget });
    const withToken = <T>(call: (t: string) => Promise<T>) => call(token);
    const create = async (body: PinCreate) => (await client.createPin(token, body)).id;
    const pagesRead = () => sandbox.sandbox.stats().operations['GET /v5/boards/{board_id}/pins'] ?? 0;
    return { clock, pin, create, publisher, withToken, pagesRead };
  }

  it('finds it among older pins on several pages, and not a pin that differs in what was sent', async () => {
    const b = await board(5);
    // Two hours of older pins, some with the very same content (posted before, by hand or by Pinion).
    for (let i = 0; i < 12; i++) {
      await b.create(b.pin(i % 4 === 0 ? 'Apron' : `Older ${i}`));
      await b.clock.advance(10 * 60_000);
    }
    const since = b.clock.now();
    await b.clock.advance(30_000);
    const sent = b.pin('Apron', { alt_text: 'A linen apron' });
    await b.create(b.pin('Apron', { alt_text: 'A cotton apron' }));
    await b.create(b.pin('Apron', { alt_text: 'A linen apron', link: 'https://shop.example/other' }));
    const ours = await b.create(sent);
    await b.create(b.pin('Newer'));

    const found = await b.publisher.findPublished({ payload: sent, since, exclude: new Set(), withToken: b.withToken });
    expect(found).toEqual({ externalId: ours, url: `https://www.pinterest.com/pin/${ours}/` });
    // Newest first, the first page already reaches before the window; oldest first, every page is read.
    expect(b.pagesRead()).toBe(listOrder === 'newest_first' ? 1 : 4);
    // A pin another delivery owns is never taken.
    expect(await b.publisher.findPublished({ payload: sent, since, exclude: new Set([ours]), withToken: b.withToken })).toBeNull();
    // Nothing sent since: the same content from hours ago is not this attempt's.
    expect(await b.publisher.findPublished({ payload: b.pin('Apron'), since, exclude: new Set(), withToken: b.withToken })).toBeNull();
  });

  it('returns the oldest match and the others as duplicates', async () => {
    const b = await board(2);
    const since = b.clock.now();
    const first = await b.create(b.pin('Apron'));
    await b.clock.advance(60_000);
    await b.create(b.pin('Other'));
    const second = await b.create(b.pin('Apron'));
    const found = await b.publisher.findPublished({ payload: b.pin('Apron'), since, exclude: new Set(), withToken: b.withToken });
    expect(found).toEqual({
      externalId: first,
      url: expect.any(String),
      duplicates: [{ externalId: second, url: `https://www.pinterest.com/pin/${second}/` }],
    });
    await b.publisher.remove!({ externalId: second, withToken: b.withToken });
    // Deleting a pin already gone is what was wanted.
    await b.publisher.remove!({ externalId: second, withToken: b.withToken });
    expect(await b.publisher.findPublished({ payload: b.pin('Apron'), since, exclude: new Set(), withToken: b.withToken })).toEqual({
      externalId: first,
      url: expect.any(String),
    });
  });

  it('says it could not look, rather than "not found", when the page budget runs out before the window is covered', async () => {
    const b = await board(2, 3);
    const since = b.clock.now();
    for (let i = 0; i < 8; i++) await b.create(b.pin(`Recent ${i}`));
    const err = await b.publisher.findPublished({ payload: b.pin('Apron'), since, exclude: new Set(), withToken: b.withToken }).catch((e: unknown) => e);
    expect(isConnectorError(err) && err.kind).toBe('retryable');
    expect((err as Error).message).toMatch(/Looked through 3 pages \(6 pins\) of board \d+ without reaching every pin since .*page budget is spent/);
  });
});
