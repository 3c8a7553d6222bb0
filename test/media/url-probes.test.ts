import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaUrlProbes } from '../../src/media/index.js';
import { ManualClock } from '../../src/shared/index.js';
import { jpeg, png } from '../helpers/media-fixtures.js';

const LAST_MODIFIED = 'Tue, 01 Jan 2030 00:00:00 GMT';

/** Answers as told per path; records each request's headers. Images carry Last-Modified only (no ETag). */
async function startHost() {
  const answers = new Map<string, { status: number; type?: string; bytes?: Buffer }>();
  const seen: Array<{ path: string; headers: IncomingHttpHeaders; status: number }> = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const a = answers.get(path) ?? { status: 404 };
    const status = a.status === 200 && req.headers['if-modified-since'] === LAST_MODIFIED ? 304 : a.status;
    seen.push({ path, headers: req.headers, status });
    res
      .writeHead(status, a.status === 200 ? { 'content-type': a.type ?? 'application/octet-stream', 'last-modified': LAST_MODIFIED } : {})
      .end(status === 200 ? a.bytes : undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('media URL probes kept by URL', () => {
  let host: Awaited<ReturnType<typeof startHost>>;
  const settings = { fetchAllowHosts: ['127.0.0.1'], fetchMaxBytes: 1 << 20, fetchTimeoutMs: 2000, maxInputPixels: 50_000_000 };
  beforeAll(async () => {
    host = await startHost();
    host.answers.set('/a.jpg', { status: 200, type: 'image/jpeg', bytes: await jpeg(1000, 1500) });
    host.answers.set('/b.png', { status: 200, type: 'image/png', bytes: await png(300, 300) });
    host.answers.set('/c.png', { status: 200, type: 'image/png', bytes: await png(200, 200) });
  });
  afterAll(() => host?.close());

  it('revalidates with If-Modified-Since and keeps the probe on a 304', async () => {
    const probes = new MediaUrlProbes(settings);
    const first = await probes.full(`${host.url}/a.jpg`);
    expect(first).toMatchObject({ source: 'fetched', errors: [], probe: { kind: 'image', mime: 'image/jpeg', width: 1000, height: 1500 } });
    const again = await probes.full(`${host.url}/a.jpg`);
    expect(host.seen.filter((s) => s.path === '/a.jpg').map((s) => [s.headers['if-modified-since'], s.status])).toEqual([
      [undefined, 200],
      [LAST_MODIFIED, 304],
    ]);
    expect(again).toMatchObject({ source: 'revalidated', probe: first.probe });
  });

  it('judges new posts from a kept probe only for its time to live, and keeps at most so many URLs', async () => {
    const clock = new ManualClock(Date.now());
    const probes = new MediaUrlProbes(settings, { clock, ttlMs: 60_000, maxEntries: 2 });
    expect(probes.quick(`${host.url}/b.png`)).toEqual({ errors: [], warnings: [], source: 'unchecked' });
    await probes.full(`${host.url}/b.png`);
    expect(probes.quick(`${host.url}/b.png`)).toMatchObject({ source: 'cached', probe: { width: 300, height: 300 } });
    await clock.advance(60_001);
    expect(probes.quick(`${host.url}/b.png`).source).toBe('unchecked');

    await probes.full(`${host.url}/b.png`);
    await probes.full(`${host.url}/c.png`);
    await probes.full(`${host.url}/a.jpg`);
    expect(probes.size).toBe(2);
    expect(probes.quick(`${host.url}/b.png`).source).toBe('unchecked');
    expect(probes.quick(`${host.url}/a.jpg`).source).toBe('cached');
  });

  it('remembers a file the server says is gone, but a 5xx does not replace what is known', async () => {
    const probes = new MediaUrlProbes(settings);
    const gone = await probes.full(`${host.url}/gone.jpg`);
    expect(gone.fetchFailed).toMatchObject({ status: 404, lasting: true });
    expect(probes.quick(`${host.url}/gone.jpg`).errors).toEqual([expect.stringMatching(/could not be fetched when Pinion last checked it .*answered 404/)]);

    await probes.full(`${host.url}/c.png`);
    host.answers.set('/c.png', { status: 503 });
    const down = await probes.full(`${host.url}/c.png`);
    expect(down).toMatchObject({ errors: [], fetchFailed: { status: 503, lasting: false } });
    expect(probes.quick(`${host.url}/c.png`)).toMatchObject({ source: 'cached', errors: [], probe: { width: 200 } });
  });

  it('makes one request for checks of one URL at the same time', async () => {
    const probes = new MediaUrlProbes(settings);
    const before = host.seen.filter((r) => r.path === '/b.png').length;
    const verdicts = await Promise.all(Array.from({ length: 5 }, () => probes.full(`${host.url}/b.png`)));
    expect(new Set(verdicts.map((v) => v.probe?.width))).toEqual(new Set([300]));
    expect(host.seen.filter((r) => r.path === '/b.png').length - before).toBe(1);
  });

  it('refuses a private address from the URL alone, without a request', async () => {
    const probes = new MediaUrlProbes({ ...settings, fetchAllowHosts: [] });
    const before = host.seen.length;
    for (const url of [`${host.url}/a.jpg`, 'http://[::ffff:10.0.0.1]/a.jpg', 'http://user:pw@example.com/a.jpg', 'ftp://example.com/a.jpg']) {
      expect(probes.quick(url).errors, url).toEqual([expect.stringMatching(/^cannot be used: /)]);
    }
    expect((await probes.full(`${host.url}/a.jpg`)).errors).toEqual([expect.stringMatching(/127\.0\.0\.1 is not a public address/)]);
    expect(host.seen.length).toBe(before);
  });
});
