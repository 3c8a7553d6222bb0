import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startSandbox } from './support.js';

describe('the sandbox sample image', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox?.close());

  it('is rendered once and served from memory with an ETag and Last-Modified, answering conditional GETs with 304', async () => {
    const url = `${sandbox.url}/_sandbox/sample.jpg`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await first.arrayBuffer());
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 1000, height: 1500 });
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(new Date(lastModified).getTime()).toBeLessThanOrEqual(Date.now());

    const second = await fetch(url);
    expect(Buffer.from(await second.arrayBuffer()).equals(bytes)).toBe(true);
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('last-modified')).toBe(lastModified);

    const conditions: Array<Record<string, string>> = [
      { 'if-none-match': etag },
      { 'if-none-match': `"other", W/${etag}` },
      { 'if-modified-since': lastModified },
    ];
    for (const headers of conditions) {
      const conditional = await fetch(url, { headers });
      expect(conditional.status, JSON.stringify(headers)).toBe(304);
      expect((await conditional.arrayBuffer()).byteLength).toBe(0);
    }
    expect((await fetch(url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    expect((await fetch(url, { headers: { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() } })).status).toBe(200);
  });

  it('renders each size asked for, with its own ETag', async () => {
    const small = await fetch(`${sandbox.url}/_sandbox/sample.jpg?w=200&h=300`);
    expect(await sharp(Buffer.from(await small.arrayBuffer())).metadata()).toMatchObject({ width: 200, height: 300 });
    const big = await fetch(`${sandbox.url}/_sandbox/sample.jpg`);
    expect(small.headers.get('etag')).not.toBe(big.headers.get('etag'));
  });
});
