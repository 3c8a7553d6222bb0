import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, MediaFetchError, safeFetch, type MediaFetchReason } from '../../src/net/index.js';
import { startMediaServer } from '../media/support.js';

async function reasonOf(promise: Promise<unknown>): Promise<MediaFetchReason> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MediaFetchError);
  return (err as MediaFetchError).reason;
}

describe('fetching a URL someone gave us', () => {
  let files: Awaited<ReturnType<typeof startMediaServer>>;
  let other: Awaited<ReturnType<typeof startMediaServer>>;
  const opts = () => ({ allowHosts: [files.host], maxBytes: 1000, timeoutMs: 400 });

  beforeAll(async () => {
    // A second loopback server that is NOT allowlisted: it must never see a request.
    other = await startMediaServer({ '/secret': { type: 'text/plain', bytes: Buffer.from('internal') } });
    files = await startMediaServer({
      '/ok': { type: 'image/png', bytes: Buffer.from('hello') },
      '/big': { type: 'application/octet-stream', bytes: Buffer.alloc(5000) },
      '/chunked-big': (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        for (let i = 0; i < 10; i++) res.write(Buffer.alloc(500));
        res.end();
      },
      '/slow': (_req, res) => {
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.write(Buffer.alloc(10));
        // Never ends: the overall timeout must cut it.
      },
      '/to-ok': (_req, res) => res.writeHead(302, { location: '/ok' }).end(),
      '/to-other': (_req, res) => res.writeHead(302, { location: `${other.url}/secret` }).end(),
      '/to-metadata': (_req, res) => res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
      '/loop': (_req, res) => res.writeHead(302, { location: '/loop' }).end(),
      '/gone': (_req, res) => res.writeHead(410).end(),
    });
  });
  afterAll(async () => {
    await files?.close();
    await other?.close();
  });

  it('fetches from an allowlisted host and follows its redirects', async () => {
    const got = await safeFetch(`${files.url}/to-ok`, opts());
    expect(got.bytes.toString()).toBe('hello');
    expect(got.contentType).toBe('image/png');
    expect(got.finalUrl).toBe(`${files.url}/ok`);
  });

  it.each([
    ['another loopback port', () => `${other.url}/secret`],
    ['port 1 of 127.0.0.1', () => 'http://127.0.0.1:1/'],
    ['localhost', () => 'http://localhost/'],
    ['IPv6 loopback', () => 'http://[::1]/'],
    ['cloud metadata (link-local)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private 10/8 address', () => 'http://10.0.0.1/'],
    ['a private 192.168/16 address', () => 'https://192.168.1.1/'],
    ['carrier-grade NAT', () => 'http://100.64.0.1/'],
    ['IPv4-mapped IPv6 of a private address', () => 'http://[::ffff:10.0.0.1]/'],
    ['IPv6 unique-local', () => 'http://[fd00::1]/'],
    ['the unspecified address', () => 'http://0.0.0.0/'],
    ['a decimal-encoded loopback address', () => 'http://2130706433/'],
  ])('refuses %s before connecting', async (_what, url) => {
    expect(await reasonOf(safeFetch(url(), opts()))).toBe('private_address');
    expect(other.hits).toEqual([]);
  });

  it('refuses a redirect from an allowed host to a private one', async () => {
    expect(await reasonOf(safeFetch(`${files.url}/to-other`, opts()))).toBe('private_address');
    expect(await reasonOf(safeFetch(`${files.url}/to-metadata`, opts()))).toBe('private_address');
    expect(other.hits).toEqual([]);
  });

  it('refuses a name whose DNS answer is a loopback address', async () => {
    const name = hostname();
    const resolved = await lookup(name).catch(() => undefined);
    if (!resolved || isPublicAddress(resolved.address)) return; // this machine's name is public: nothing to show
    expect(await reasonOf(safeFetch(`http://${name}:1/`, opts()))).toBe('private_address');
  });

  it('refuses schemes other than http(s) and URLs with credentials', async () => {
    expect(await reasonOf(safeFetch('file:///etc/passwd', opts()))).toBe('scheme');
    expect(await reasonOf(safeFetch('ftp://example.com/a.jpg', opts()))).toBe('scheme');
    expect(await reasonOf(safeFetch('not a url', opts()))).toBe('scheme');
    expect(await reasonOf(safeFetch(`http://user:pw@${files.host}/ok`, opts()))).toBe('scheme');
  });

  it('cuts an oversized body, declared or not', async () => {
    expect(await reasonOf(safeFetch(`${files.url}/big`, opts()))).toBe('too_large');
    expect(await reasonOf(safeFetch(`${files.url}/chunked-big`, opts()))).toBe('too_large');
  });

  it('gives up on a slow answer, an endless redirect and an error status', async () => {
    const started = Date.now();
    expect(await reasonOf(safeFetch(`${files.url}/slow`, opts()))).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await reasonOf(safeFetch(`${files.url}/loop`, opts()))).toBe('too_many_redirects');
    expect(await reasonOf(safeFetch(`${files.url}/gone`, opts()))).toBe('http_status');
  });

  it('classifies addresses: only public unicast passes', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111']) expect(isPublicAddress(a)).toBe(true);
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:192.168.0.1',
      'not-an-ip',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
});
