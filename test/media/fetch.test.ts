import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { fixtures, mediaConfig, startMediaServer, type MediaJson } from './support.js';

interface ProblemJson {
  type: string;
  status: number;
  reason?: string;
  errors?: Array<{ field: string; message: string }>;
}

describe.each(DIALECTS)('storing media from a URL on %s', (dialect) => {
  let p: TestPinion;
  let files: Awaited<ReturnType<typeof startMediaServer>>;
  let internal: Awaited<ReturnType<typeof startMediaServer>>;
  beforeAll(async () => {
    const f = await fixtures();
    internal = await startMediaServer({ '/admin': { type: 'image/jpeg', bytes: f.jpeg } });
    files = await startMediaServer({
      '/good.jpg': { type: 'image/jpeg', bytes: f.jpeg },
      '/small.png': { type: 'image/png', bytes: f.smallPng },
      '/broken.png': { type: 'image/png', bytes: f.truncatedPng },
      '/photo.jpg': { type: 'image/jpeg', bytes: f.text },
      '/huge.jpg': { type: 'image/jpeg', bytes: Buffer.concat([f.jpeg, Buffer.alloc(300_000)]) },
      '/slow.jpg': (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.write(f.jpeg.subarray(0, 100));
      },
      '/to-internal': (_req, res) => res.writeHead(302, { location: `${internal.url}/admin` }).end(),
      '/to-good': (_req, res) => res.writeHead(302, { location: '/good.jpg' }).end(),
    });
    p = await startTestPinion({
      dialect,
      sandbox: {},
      config: { media: mediaConfig({ fetchAllowHosts: [files.host], fetchMaxBytes: 200_000, fetchTimeoutMs: 500 }) },
    });
  });
  afterAll(async () => {
    await p?.close();
    await files?.close();
    await internal?.close();
  });
  const fetchMedia = async (url: string) => {
    const res = await p.api('POST', '/api/v1/media:fetch', { body: { url } });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as MediaJson & ProblemJson };
  };
  const refused = async (url: string, reason: string) => {
    const { status, type, body } = await fetchMedia(url);
    expect(status).toBe(422);
    expect(type).toMatch(/problem\+json/);
    expect(body.type).toBe('urn:pinion:problem:media-fetch-failed');
    expect(body.reason).toBe(reason);
    expect(body.errors![0]!.field).toBe('url');
  };

  it('fetches an image, following a redirect, and records where it came from', async () => {
    const { status, body } = await fetchMedia(`${files.url}/to-good`);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      kind: 'image',
      mime: 'image/jpeg',
      width: 1000,
      height: 1500,
      source: 'url',
      source_url: `${files.url}/good.jpg`,
      filename: 'good.jpg',
    });
  });

  it('keeps the file name given instead of the URL’s', async () => {
    // Another workspace: these bytes are new there (the same bytes again in one workspace return the media stored then).
    const res = await p.api('POST', '/api/v1/media:fetch', {
      key: await p.newKey('named'),
      body: { url: `${files.url}/good.jpg`, filename: 'apron-front.jpg' },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ source_url: `${files.url}/good.jpg`, filename: 'apron-front.jpg' });
  });

  it('stores a too-small image with a warning', async () => {
    const { status, body } = await fetchMedia(`${files.url}/small.png`);
    expect(status).toBe(201);
    expect(body.checks.pinterest!.warnings.map((w) => w.field)).toContain('width');
  });

  it('refuses a broken image and a non-image behind an image URL', async () => {
    const broken = await fetchMedia(`${files.url}/broken.png`);
    expect([broken.status, broken.body.type]).toEqual([422, 'urn:pinion:problem:broken-media']);
    expect(broken.body.errors![0]!.field).toBe('url');
    const text = await fetchMedia(`${files.url}/photo.jpg`);
    expect([text.status, text.body.type]).toEqual([422, 'urn:pinion:problem:not-media']);
  });

  it.each([
    ['127.0.0.1 on a port not allowlisted', () => `${internal.url}/admin`],
    ['127.0.0.1 port 1', () => 'http://127.0.0.1:1/'],
    ['localhost', () => 'http://localhost/'],
    ['[::1]', () => 'http://[::1]/'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['10.0.0.1', () => 'http://10.0.0.1/'],
  ])('refuses %s, naming the reason', async (_what, url) => {
    await refused(url(), 'private_address');
    expect(internal.hits).toEqual([]);
  });

  it('refuses a redirect from the allowlisted server to a private address', async () => {
    await refused(`${files.url}/to-internal`, 'private_address');
    expect(internal.hits).toEqual([]);
  });

  it('cuts an oversized file and a slow one', async () => {
    await refused(`${files.url}/huge.jpg`, 'too_large');
    await refused(`${files.url}/slow.jpg`, 'timeout');
  });

  it('refuses other schemes and reports a missing file', async () => {
    await refused('file:///etc/passwd', 'scheme');
    await refused(`${files.url}/nope.jpg`, 'http_status');
  });

  it('may fetch from the embedded sandbox, which allowlists itself', async () => {
    expect(p.config.media.fetchAllowHosts).toContain(new URL(p.url).host);
    // The sandbox's own pages are not images: the fetch goes through and the bytes are judged.
    const { body } = await fetchMedia(`${p.url}/healthz`);
    expect(body.type).toBe('urn:pinion:problem:not-media');
  });
});
