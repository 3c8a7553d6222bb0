import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { fixtures, uploadFile, type MediaJson } from './support.js';

describe.each(DIALECTS)('uploading media on %s', (dialect) => {
  let p: TestPinion;
  let f: Awaited<ReturnType<typeof fixtures>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect });
    f = await fixtures();
  });
  afterAll(async () => {
    await p?.close();
  });
  const upload = async (bytes: Buffer, name?: string, opts?: Parameters<typeof uploadFile>[3]) => {
    const res = await uploadFile(p, bytes, name, opts);
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as MediaJson & { errors?: Array<{ field: string; message: string }>; type: string },
    };
  };

  it('stores a 2:3 JPEG with its real numbers and no Pinterest advice', async () => {
    const { status, body } = await upload(f.jpeg, 'apron.png'); // the name lies; the bytes decide
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 1000, height: 1500, size: f.jpeg.length, source: 'upload', filename: 'apron.png' });
    expect(body.id).toMatch(/^med_/);
    expect(body.checks.pinterest).toEqual({ errors: [], warnings: [] });
    expect(await (await p.api('GET', `/api/v1/media/${body.id}`)).json()).toMatchObject({ id: body.id, sha256: body.sha256 });
  });

  it('serves back exactly the bytes uploaded, with their type', async () => {
    const { body } = await upload(f.webp, 'photo.webp');
    const res = await p.api('GET', `/api/v1/media/${body.id}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await res.arrayBuffer()).equals(f.webp)).toBe(true);
  });

  it('returns the same media for the same bytes twice', async () => {
    const a = await upload(f.gif, 'a.gif');
    const b = await upload(f.gif, 'b.gif');
    expect(b.body.id).toBe(a.body.id);
    const list = (await (await p.api('GET', '/api/v1/media?limit=200')).json()) as { data: MediaJson[] };
    expect(list.data.filter((m) => m.sha256 === a.body.sha256)).toHaveLength(1);
  });

  it('warns about a too-small image that is not 2:3', async () => {
    const { status, body } = await upload(f.smallPng, 'small.png');
    expect(status).toBe(201);
    expect(body).toMatchObject({ mime: 'image/png', width: 400, height: 300 });
    expect(body.checks.pinterest!.errors).toEqual([]);
    expect(body.checks.pinterest!.warnings.map((w) => w.field)).toEqual(['width', 'aspect_ratio']);
    expect(body.checks.pinterest!.warnings[0]!.message).toContain('600×900');
  });

  it('refuses a broken image and a file that is not media, naming the field', async () => {
    const broken = await upload(f.truncatedPng, 'broken.png', { type: 'image/png' });
    expect(broken.status).toBe(422);
    expect(broken.type).toMatch(/problem\+json/);
    expect(broken.body.type).toBe('urn:pinion:problem:broken-media');
    expect(broken.body.errors![0]!.field).toBe('file');
    const text = await upload(f.text, 'photo.jpg', { type: 'image/jpeg' });
    expect(text.status).toBe(422);
    expect(text.body.type).toBe('urn:pinion:problem:not-media');
    expect(text.body.errors).toEqual([{ field: 'file', message: expect.stringContaining('not an image or a video') }]);
  });

  it('needs the file in the field "file", as multipart', async () => {
    const wrong = await upload(f.jpeg, 'x.jpg', { field: 'image' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors).toEqual([{ field: 'file', message: expect.any(String) }]);
    const json = await p.api('POST', '/api/v1/media', { body: { url: 'x' } });
    expect(json.status).toBe(415);
  });

  it('probes an MP4: container, duration and codec, and Pinterest finds no fault', async () => {
    const { status, body } = await upload(f.mp4, 'clip.mp4');
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: 'video', mime: 'video/mp4', width: 320, height: 240, duration_ms: 3000, codec: 'avc1.42c01e' });
    expect(body.checks.pinterest!.errors).toEqual([]);
    // 3 s is under the advised 4 s.
    expect(body.checks.pinterest!.warnings.map((w) => w.field)).toEqual(['duration_ms']);
  });

  it('converts to a 1000×1500 JPEG on request', async () => {
    const { body: source } = await upload(f.webp, 'wide.webp');
    const res = await p.api('POST', `/api/v1/media/${source.id}/convert`, { body: { target: 'pinterest', crop: true } });
    expect(res.status).toBe(201);
    const converted = (await res.json()) as MediaJson;
    expect(converted).toMatchObject({ mime: 'image/jpeg', width: 1000, height: 1500, source: 'converted', converted_from: source.id });
    expect(converted.checks.pinterest).toEqual({ errors: [], warnings: [] });
    const bytes = Buffer.from(await (await p.api('GET', `/api/v1/media/${converted.id}/content`)).arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1000, 1500]);
  });

  it('turns a GIF into its first frame as JPEG and keeps transparency as PNG', async () => {
    const { body: gif } = await upload(f.gif, 'anim.gif');
    const fromGif = (await (await p.api('POST', `/api/v1/media/${gif.id}/convert`, { body: { target: 'pinterest' } })).json()) as MediaJson;
    expect(fromGif).toMatchObject({ mime: 'image/jpeg', width: 300, height: 450 });
    const { body: clear } = await upload(f.transparentPng, 'clear.png');
    const fromPng = (await (await p.api('POST', `/api/v1/media/${clear.id}/convert`, { body: { target: 'pinterest', crop: true } })).json()) as MediaJson;
    expect(fromPng).toMatchObject({ mime: 'image/png', width: 1000, height: 1500 });
  });

  it('rejects a conversion request with unknown fields, naming each', async () => {
    const { body } = await upload(f.jpeg, 'a.jpg');
    const res = await p.api('POST', `/api/v1/media/${body.id}/convert`, { body: { target: 'myspace', size: 3 } });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['size', 'target']);
  });

  it("keeps workspaces apart: another workspace's media does not exist", async () => {
    const { body } = await upload(f.jpeg, 'mine.jpg');
    const otherKey = await p.newKey('other-shop');
    for (const path of [`/api/v1/media/${body.id}`, `/api/v1/media/${body.id}/content`]) {
      const res = await p.api('GET', path, { key: otherKey });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await p.api('POST', `/api/v1/media/${body.id}/convert`, { key: otherKey, body: { target: 'pinterest' } })).status).toBe(404);
    const theirs = (await (await p.api('GET', '/api/v1/media', { key: otherKey })).json()) as { data: unknown[] };
    expect(theirs.data).toEqual([]);
    // The same bytes uploaded there are theirs: a separate media, not ours.
    const copy = await upload(f.jpeg, 'copy.jpg', { key: otherKey });
    expect(copy.status).toBe(201);
    expect(copy.body.id).not.toBe(body.id);
  });

  it('needs media:write to upload and media:read to look', async () => {
    const readOnly = await p.newKey('default', ['media:read']);
    expect((await upload(f.jpeg, 'x.jpg', { key: readOnly })).status).toBe(403);
    expect((await p.api('GET', '/api/v1/media', { key: readOnly })).status).toBe(200);
    const postsOnly = await p.newKey('default', ['posts:read']);
    expect((await p.api('GET', '/api/v1/media', { key: postsOnly })).status).toBe(403);
  });

  it('pages through the list newest first', async () => {
    const first = (await (await p.api('GET', '/api/v1/media?limit=2')).json()) as { data: MediaJson[]; next_cursor: string };
    expect(first.data).toHaveLength(2);
    expect(first.data[0]!.id > first.data[1]!.id).toBe(true);
    const second = (await (await p.api('GET', `/api/v1/media?limit=2&cursor=${first.next_cursor}`)).json()) as { data: MediaJson[] };
    expect(second.data[0]!.id < first.data[1]!.id).toBe(true);
    const videos = (await (await p.api('GET', '/api/v1/media?kind=video')).json()) as { data: MediaJson[] };
    expect(videos.data.map((m) => m.kind)).toEqual(['video']);
  });
});
