import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { fixtures, type MediaJson } from './support.js';

interface Grant {
  upload_id: string;
  upload_url: string;
  method: string;
  max_bytes: number;
  expires_at: string;
}

describe.each(DIALECTS)('uploading to a presigned URL on %s', (dialect) => {
  let p: TestPinion;
  let f: Awaited<ReturnType<typeof fixtures>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect });
    f = await fixtures();
  });
  afterAll(async () => {
    await p?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const grant = async (body: Record<string, unknown> = {}, key?: string) => {
    const res = await p.api('POST', '/api/v1/media/uploads', { body, key });
    expect(res.status).toBe(201);
    return (await res.json()) as Grant;
  };
  // No Authorization header: the signed URL is the only permission.
  const put = (url: string, bytes: Buffer | ReadableStream, type = 'application/octet-stream') =>
    fetch(url, { method: 'PUT', headers: { 'content-type': type }, body: bytes, duplex: 'half' } as RequestInit);

  it('tells where an upload is (waiting, then uploaded with its media), only to its workspace', async () => {
    const g = await grant({ max_bytes: 1_000_000 });
    const state = async (key?: string) => p.api('GET', `/api/v1/media/uploads/${g.upload_id}`, { key });
    expect(await (await state()).json()).toEqual({ upload_id: g.upload_id, status: 'waiting', expires_at: g.expires_at, media: null });
    const media = (await (await put(g.upload_url, f.jpeg, 'image/jpeg')).json()) as MediaJson;
    expect(await (await state()).json()).toMatchObject({
      upload_id: g.upload_id,
      status: 'uploaded',
      media: { id: media.id, source: 'presigned', mime: 'image/jpeg' },
    });
    expect((await state(await p.newKey('another'))).status).toBe(404);
    expect((await p.api('GET', '/api/v1/media/uploads/upl_nothing')).status).toBe(404);
  });

  it('takes one file without an API key, and only once', async () => {
    const g = await grant({ max_bytes: 1_000_000 });
    expect(g).toMatchObject({ method: 'PUT', max_bytes: 1_000_000 });
    expect(g.upload_url.startsWith(`${p.url}/media/uploads/${g.upload_id}?`)).toBe(true);
    expect(Date.parse(g.expires_at) - Date.now()).toBeGreaterThan(800_000);
    const first = await put(g.upload_url, f.jpeg, 'image/jpeg');
    expect(first.status).toBe(201);
    const media = (await first.json()) as MediaJson;
    expect(media).toMatchObject({ source: 'presigned', mime: 'image/jpeg', width: 1000, height: 1500 });
    // It landed in the workspace that asked for the URL.
    expect((await p.api('GET', `/api/v1/media/${media.id}`)).status).toBe(200);
    const again = await put(g.upload_url, f.gif);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('takes a PUT with no Content-Type, as curl --upload-file sends it', async () => {
    const g = await grant();
    const res = await fetch(g.upload_url, { method: 'PUT', body: new Uint8Array(f.smallPng) });
    expect(res.status).toBe(201);
    expect(((await res.json()) as MediaJson).mime).toBe('image/png');
  });

  it('refuses a tampered URL: signature, size cap or expiry changed', async () => {
    const g = await grant({ max_bytes: 1000 });
    const url = new URL(g.upload_url);
    const variants = [
      (u: URL) => u.searchParams.set('signature', `${u.searchParams.get('signature')!.slice(0, -2)}AA`),
      (u: URL) => u.searchParams.set('max', '100000000'),
      (u: URL) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600)),
      (u: URL) => u.searchParams.delete('signature'),
      (u: URL) => (u.pathname = '/media/uploads/upl_doesnotexist'),
    ];
    for (const change of variants) {
      const bad = new URL(url);
      change(bad);
      const res = await put(bad.toString(), f.smallPng);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { type: string }).type).toBe('urn:pinion:problem:bad-signature');
    }
    // The genuine URL still works afterwards: failed attempts do not spend it.
    expect((await put(g.upload_url, Buffer.from(f.smallPng.subarray(0, 0)))).status).toBe(422);
  });

  it('refuses an expired URL', async () => {
    const g = await grant();
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 16 * 60_000 });
    const res = await put(g.upload_url, f.jpeg);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { type: string }).type).toBe('urn:pinion:problem:upload-url-expired');
  });

  it('refuses a file over the cap (413), declared or streamed, and keeps the URL usable', async () => {
    const g = await grant({ max_bytes: 2000 });
    const declared = await put(g.upload_url, Buffer.alloc(5000));
    expect(declared.status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(1000));
        controller.close();
      },
    });
    const streamed = await put(g.upload_url, stream);
    expect(streamed.status).toBe(413);
    const tiny = await (
      await import('sharp')
    )
      .default({ create: { width: 10, height: 10, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    expect((await put(g.upload_url, tiny)).status).toBe(201);
  });

  it('holds the upload to the announced type', async () => {
    const g = await grant({ content_type: 'image/jpeg' });
    const res = await put(g.upload_url, f.smallPng);
    expect(res.status).toBe(422);
    expect(((await res.json()) as { type: string }).type).toBe('urn:pinion:problem:content-type-mismatch');
  });

  it('validates the request for a URL, naming each bad field', async () => {
    const res = await p.api('POST', '/api/v1/media/uploads', { body: { max_bytes: 0, content_type: 'text/html', extra: 1 } });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['content_type', 'extra', 'max_bytes']);
    const tooBig = await p.api('POST', '/api/v1/media/uploads', { body: { max_bytes: 3 * 1024 ** 3 } });
    expect(((await tooBig.json()) as { errors: Array<{ field: string }> }).errors).toEqual([{ field: 'max_bytes', message: expect.any(String) }]);
  });

  it('never writes the signature to the log', async () => {
    const g = await grant();
    await put(g.upload_url, f.webp);
    const signature = new URL(g.upload_url).searchParams.get('signature')!;
    expect(p.logs.join('\n')).not.toContain(signature);
    expect(p.logs.join('\n')).toContain(`/media/uploads/${g.upload_id}`);
  });
});
