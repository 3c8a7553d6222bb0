import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalMediaStore, type MediaStore } from '../../src/media/index.js';
import { S3MediaStore } from '../../src/media/s3-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Just enough of S3's path-style object API (PUT/GET/HEAD/DELETE) to see what the SDK sends. It
 * does not check signatures: it shows the store's requests are right, not that AWS accepts them.
 */
async function fakeS3() {
  const objects = new Map<string, { body: Buffer; type: string }>();
  const requests: Array<{ method: string; path: string; auth: boolean }> = [];
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    requests.push({ method: req.method!, path, auth: /^AWS4-HMAC-SHA256 /.test(req.headers.authorization ?? '') });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const obj = objects.get(path);
    if (req.method === 'PUT') {
      objects.set(path, { body: Buffer.concat(chunks), type: req.headers['content-type'] ?? '' });
      return void res.writeHead(200, { etag: '"x"' }).end();
    }
    if (req.method === 'DELETE') {
      objects.delete(path);
      return void res.writeHead(204).end();
    }
    if (!obj)
      return void res.writeHead(404, { 'content-type': 'application/xml' }).end(req.method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code></Error>');
    res.writeHead(200, { 'content-type': obj.type, 'content-length': obj.body.length });
    res.end(req.method === 'HEAD' ? undefined : obj.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('media stores', () => {
  let dir: string;
  let s3: Awaited<ReturnType<typeof fakeS3>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pinion-media-'));
    s3 = await fakeS3();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await s3?.close();
  });

  const behaves = (name: string, make: () => MediaStore) =>
    it(`${name}: stores by content hash, reads back, dedups and deletes`, async () => {
      const store = make();
      const bytes = Buffer.from(`bytes of ${name}`);
      const h = sha(bytes);
      expect(await store.exists(h)).toBe(false);
      await store.put(h, bytes, 'image/jpeg');
      await store.put(h, bytes, 'image/jpeg');
      expect(await store.exists(h)).toBe(true);
      expect((await store.get(h)).equals(bytes)).toBe(true);
      const chunks: Buffer[] = [];
      for await (const c of await store.stream(h)) chunks.push(Buffer.from(c as Uint8Array));
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
      const spooled = join(dir, `spooled-${name}`);
      const other = Buffer.from(`other bytes of ${name}`);
      writeFileSync(spooled, other);
      await store.putFile(sha(other), spooled, 'video/mp4');
      expect(existsSync(spooled)).toBe(false);
      expect((await store.get(sha(other))).equals(other)).toBe(true);
      await store.delete(h);
      expect(await store.exists(h)).toBe(false);
      await expect(store.put('../../etc/passwd', bytes, 'x')).rejects.toThrow(/SHA-256/);
    });

  behaves('local', () => new LocalMediaStore(join(dir, 'local')));
  behaves(
    's3',
    () =>
      new S3MediaStore({
        endpoint: s3.url,
        bucket: 'pins',
        region: 'us-east-1',
        accessKeyId: 'AKIDTEST',
        secretAccessKey: 'test-secret',
        forcePathStyle: true,
        prefix: 'media/',
      }),
  );

  it('lays local files out as ab/cd/<sha256>, leaving no temporary files', async () => {
    const store = new LocalMediaStore(join(dir, 'layout'));
    const bytes = Buffer.from('layout');
    const h = sha(bytes);
    await store.put(h, bytes, 'image/png');
    expect(existsSync(join(dir, 'layout', h.slice(0, 2), h.slice(2, 4), h))).toBe(true);
    expect(readdirSync(store.tmpDir)).toEqual([]);
  });

  it('s3: path-style keys under the prefix, signed requests, plain bodies', () => {
    const puts = s3.requests.filter((r) => r.method === 'PUT');
    expect(puts.length).toBe(2);
    for (const r of puts) expect(r.path).toMatch(/^\/pins\/media\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect(s3.requests.every((r) => r.auth)).toBe(true);
    const stored = [...s3.objects.values()].map((o) => o.body.toString());
    expect(stored).toEqual(['other bytes of s3']);
  });
});
