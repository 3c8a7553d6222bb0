import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { contentPath, createMediaLibrary } from '../../src/media/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { fixtures, startMediaServer } from './support.js';

/** A multipart body written by hand, so a test can send what no well-behaved client would. */
function multipart(parts: Array<{ name: string; filename?: string; type?: string; bytes: Buffer }>, boundary = 'pinion-test-boundary') {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    chunks.push(
      Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\ncontent-type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`, 'latin1'),
      part.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

const crc32 = (bytes: Buffer) => {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
/**
 * A PNG whose header says width×height (8-bit grey) with only the first rows' data: a few hundred
 * bytes that would decode to width×height pixels. Refusing it must not need decoding it.
 */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const rows = deflateSync(Buffer.alloc(4 * (width + 1)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', rows),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Upload inputs an adversarial probe found answered 500 or left bytes behind. */
describe.each(DIALECTS)('bad media input on %s', (dialect) => {
  let p: TestPinion;
  let f: Awaited<ReturnType<typeof fixtures>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect });
    f = await fixtures();
  });
  afterAll(async () => p?.close());

  const send = (body: Buffer, type: string) =>
    fetch(`${p.url}/api/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': type }, body: new Uint8Array(body) });
  const mediaRows = async () => p.store.db.selectFrom('media').select(['id', 'sha256', 'filename']).orderBy('id').execute();
  const stored = (bytes: Buffer) => existsSync(join(resolve(p.config.mediaDir), contentPath(createHash('sha256').update(bytes).digest('hex'))));

  it('keeps an upload whose file name holds a NUL character, without the NUL', async () => {
    const { body, type } = multipart([{ name: 'file', filename: 'apron\u0000.jpg', type: 'image/jpeg', bytes: f.jpeg }]);
    const res = await send(body, type);
    const media = await res.json();
    expect(res.status, JSON.stringify(media)).toBe(201);
    expect(media.filename).toBe('apron.jpg');
    expect(stored(f.jpeg)).toBe(true);
    expect((await p.api('GET', '/api/v1/media')).status).toBe(200);
  });

  it('leaves no bytes behind when the media row cannot be stored', async () => {
    // A workspace that does not exist: the row's foreign key fails after the bytes were probed.
    const library = await createMediaLibrary(p.config, { db: p.store.db, vault: p.accounts.vault, publicUrl: () => p.url });
    const before = await mediaRows();
    await expect(library.ingest('ws_missing', f.webp, { source: 'upload', filename: 'x.webp' })).rejects.toThrow();
    expect(await mediaRows()).toEqual(before);
    expect(stored(f.webp)).toBe(false);
  });

  it('keeps bytes another media holds when a second row for them fails', async () => {
    const library = await createMediaLibrary(p.config, { db: p.store.db, vault: p.accounts.vault, publicUrl: () => p.url });
    const upload = multipart([{ name: 'file', filename: 'a.gif', bytes: f.gif }]);
    const held = await (await send(upload.body, upload.type)).json();
    await expect(library.ingest('ws_missing', f.gif, { source: 'upload' })).rejects.toThrow();
    expect(stored(f.gif)).toBe(true);
    const back = await p.api('GET', `/api/v1/media/${held.id}/content`);
    expect(Buffer.from(await back.arrayBuffer()).equals(f.gif)).toBe(true);
  });

  describe('malformed multipart', () => {
    async function refused(res: Response, before: unknown[], status = 400) {
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = await res.json();
      expect(res.status, JSON.stringify(problem) + p.logs.filter((l) => l.includes('request failed')).join('\n')).toBe(status);
      expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(['file']);
      expect(await mediaRows()).toEqual(before);
      expect((await p.api('GET', '/api/v1/media')).status).toBe(200);
    }

    it('is refused when the content type has no boundary', async () => {
      const before = await mediaRows();
      const { body } = multipart([{ name: 'file', filename: 'a.png', bytes: f.smallPng }]);
      await refused(await send(body, 'multipart/form-data'), before);
    });

    it('is refused when the body stops inside a part', async () => {
      const before = await mediaRows();
      const { body, type } = multipart([{ name: 'file', filename: 'a.png', bytes: f.transparentPng }]);
      await refused(await send(body.subarray(0, body.length - 200), type), before);
    });

    it('is refused when a part has no header (no file field, then)', async () => {
      const before = await mediaRows();
      const type = 'multipart/form-data; boundary=xyz';
      await refused(await send(Buffer.from('--xyz\r\nnot a header at all\r\n\r\nbytes\r\n--xyz--\r\n'), type), before, 422);
    });
  });

  it('refuses to fetch an IPv4 address written as IPv6, directly or after a redirect', async () => {
    const files = await startMediaServer({ '/img.png': { type: 'image/png', bytes: f.smallPng } });
    const port = new URL(files.url).port;
    const hidden = [
      `http://[::127.0.0.1]:${port}/img.png`,
      `http://[::ffff:127.0.0.1]:${port}/img.png`,
      'http://[::169.254.169.254]/latest/meta-data/',
      'http://[64:ff9b::10.0.0.1]/x.png',
    ];
    const redirector = await startMediaServer(
      Object.fromEntries(
        hidden.map((to, i) => [`/to-${i}`, (_req: unknown, res: import('node:http').ServerResponse) => res.writeHead(302, { location: to }).end()]),
      ),
    );
    try {
      const before = await mediaRows();
      for (const url of [...hidden, ...hidden.map((_, i) => `${redirector.url}/to-${i}`)]) {
        const res = await p.api('POST', '/api/v1/media:fetch', { body: { url } });
        const problem = await res.json();
        expect(res.status, url).toBe(422);
        expect(problem, url).toMatchObject({ reason: 'private_address', errors: [{ field: 'url', message: expect.stringMatching(/not a public address/) }] });
      }
      expect(files.hits).toEqual([]);
      expect(await mediaRows()).toEqual(before);
    } finally {
      await files.close();
      await redirector.close();
    }
  });

  describe('images with more pixels than media.maxInputPixels', () => {
    it('refuses a 16000×16000 PNG at probe time, quickly, with a clear 422', async () => {
      const before = await mediaRows();
      const bomb = pngClaiming(16_000, 16_000);
      const started = Date.now();
      const { body, type } = multipart([{ name: 'file', filename: 'bomb.png', type: 'image/png', bytes: bomb }]);
      const res = await send(body, type);
      const problem = await res.json();
      expect(res.status, JSON.stringify(problem)).toBe(422);
      expect(problem).toMatchObject({
        type: 'urn:pinion:problem:too-many-pixels',
        errors: [{ field: 'file', message: expect.stringMatching(/16000×16000.*50000000.*media\.maxInputPixels/) }],
      });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await mediaRows()).toEqual(before);
      expect(stored(bomb)).toBe(false);
    });

    it('refuses one named by a post or fetched by URL', async () => {
      const bomb = pngClaiming(16_000, 16_000);
      const files = await startMediaServer({ '/bomb.png': { type: 'image/png', bytes: bomb } });
      try {
        const fetched = await p.api('POST', '/api/v1/media:fetch', { body: { url: `${files.url}/bomb.png` } });
        expect(fetched.status).toBe(422);
        expect((await fetched.json()).errors).toEqual([{ field: 'url', message: expect.stringMatching(/16000×16000/) }]);
        const checked = await p.api('POST', '/api/v1/posts:validate', { body: { platforms: ['pinterest'], media_url: `${files.url}/bomb.png` } });
        expect((await checked.json()).errors).toContainEqual({ field: 'media_url', message: expect.stringMatching(/16000×16000/) });
      } finally {
        await files.close();
      }
    });
  });
});

describe('a lower media.maxInputPixels', () => {
  let p: TestPinion;
  beforeAll(async () => {
    const defaults = loadConfig({ env: {}, file: undefined }).media;
    p = await startTestPinion({ config: { media: { ...defaults, fetchAllowHosts: ['127.0.0.1'], maxInputPixels: 1_000_000 } } });
  });
  afterAll(async () => p?.close());

  it('refuses a real image over it and keeps one under it', async () => {
    const f = await fixtures();
    const over = multipart([{ name: 'file', filename: 'big.jpg', bytes: f.jpeg }]); // 1000×1500
    const res = await fetch(`${p.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': over.type },
      body: new Uint8Array(over.body),
    });
    expect(res.status).toBe(422);
    expect((await res.json()).errors[0].message).toMatch(/1000×1500 pixels.*1000000/);
    const under = multipart([{ name: 'file', filename: 'small.png', bytes: f.smallPng }]); // 400×300
    const kept = await fetch(`${p.url}/api/v1/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': under.type },
      body: new Uint8Array(under.body),
    });
    expect(kept.status).toBe(201);

    // The cap lowered afterwards (the settings are live): converting the stored image is refused, not decoded.
    p.config.media.maxInputPixels = 100_000;
    try {
      const converted = await p.api('POST', `/api/v1/media/${(await kept.json()).id}/convert`, { body: { target: 'pinterest' } });
      expect(converted.status).toBe(422);
      expect(await converted.json()).toMatchObject({
        type: 'urn:pinion:problem:too-many-pixels',
        errors: [{ field: 'id', message: expect.stringMatching(/400×300/) }],
      });
    } finally {
      p.config.media.maxInputPixels = 1_000_000;
    }
  });
});
