import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFile } from 'mp4box';
import sharp from 'sharp';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { TestPinion } from '../helpers/pinion.js';

const solid = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } });

/** Files of every kind the media tests need, made here so nothing is downloaded. */
export async function fixtures() {
  const png400 = await solid(400, 300).png().toBuffer();
  return {
    jpeg: await solid(1000, 1500).jpeg().toBuffer(),
    /** 400×300: below Pinterest's advised 600×900, and not 2:3. */
    smallPng: png400,
    webp: await solid(1200, 800).webp().toBuffer(),
    gif: await solid(300, 450).gif().toBuffer(),
    transparentPng: await sharp({ create: { width: 800, height: 1200, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer(),
    truncatedPng: png400.subarray(0, Math.floor(png400.length / 2)),
    text: Buffer.from('<html>this is a web page, not an image</html>'),
    mp4: tinyMp4(),
  };
}

/**
 * A structurally valid MP4 built with mp4box: ftyp, moov with one 320×240 H.264 (avc1) track of
 * 3 s, and mdat. The H.264 parameter sets are real; the samples are zero bytes, so a decoder
 * would show nothing: enough to probe container, duration and codec, not to play.
 */
export function tinyMp4(): Buffer {
  const file = createFile();
  const sps = [0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x00, 0xa0, 0x47, 0xfe, 0xc8];
  const pps = [0x68, 0xce, 0x38, 0x80];
  const avcC = Uint8Array.from([1, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0, sps.length, ...sps, 1, 0, pps.length, ...pps]);
  const track = file.addTrack({
    type: 'avc1',
    width: 320,
    height: 240,
    timescale: 1000,
    duration: 3000,
    media_duration: 3000,
    avcDecoderConfigRecord: avcC.buffer,
    brands: ['isom', 'mp41'],
  });
  for (let i = 0; i < 30; i++) file.addSample(track, new Uint8Array(16), { duration: 100, is_sync: i === 0 });
  return Buffer.from(file.getBuffer().buffer as ArrayBuffer);
}

type Handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => void;

/** A loopback file server: fixed files, plus routes that redirect, stall or send too much. */
export async function startMediaServer(routes: Record<string, { type: string; bytes: Buffer } | Handler>) {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (!route) return void res.writeHead(404).end('missing');
    if (typeof route === 'function') return route(req, res);
    res.writeHead(200, { 'content-type': route.type }).end(route.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The media settings with defaults, changed where a test needs it. */
export function mediaConfig(overrides: Partial<Config['media']> = {}): Config['media'] {
  return { ...loadConfig({ env: {}, file: undefined }).media, ...overrides };
}

/** Uploads like a browser form would: multipart, field "file". */
export async function uploadFile(p: TestPinion, bytes: Buffer, filename = 'upload.bin', opts: { key?: string; field?: string; type?: string } = {}) {
  const form = new FormData();
  form.append(opts.field ?? 'file', new Blob([new Uint8Array(bytes)], { type: opts.type ?? 'application/octet-stream' }), filename);
  return fetch(`${p.url}/api/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${opts.key ?? p.apiKey}` }, body: form });
}

export interface MediaJson {
  id: string;
  kind: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  codec: string | null;
  sha256: string;
  source: string;
  source_url: string | null;
  filename: string | null;
  converted_from: string | null;
  content_url: string;
  checks: Record<string, { errors: Array<{ field: string; message: string }>; warnings: Array<{ field: string; message: string }> }>;
}
