import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentPath, createMediaLibrary } from '../../src/media/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { fixtures, startMediaServer } from './support.js';

/** A multipart body written by hand, so a test can send what no well-behaved client would. */
function multipart(parts: Array<{ name: string; filename?: string; type?: string; bytes: Buffer }>, boundary = 'pinion-test-boundary') {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\ncontent-type: ${part.type ?? 'application/octet-stream'}\r\n\r\n`, 'latin1'), part.bytes, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
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

  const send = (body: Buffer, type: string) => fetch(`${p.url}/api/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': type }, body: new Uint8Array(body) });
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
    const hidden = [`http://[::127.0.0.1]:${port}/img.png`, `http://[::ffff:127.0.0.1]:${port}/img.png`, 'http://[::169.254.169.254]/latest/meta-data/', 'http://[64:ff9b::10.0.0.1]/x.png'];
    const redirector = await startMediaServer(Object.fromEntries(hidden.map((to, i) => [`/to-${i}`, (_req: unknown, res: import('node:http').ServerResponse) => res.writeHead(302, { location: to }).end()])));
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
});
