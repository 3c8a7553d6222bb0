import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertImage, probe } from '../../src/media/index.js';
import type { MediaInfo } from '../../src/connectors/index.js';
import { pinterestMediaCheck, pinterestMedia } from '../../src/connectors/pinterest/media-rules.js';

type Probed = MediaInfo & { unreadable?: string };
const convertForPinterest = (bytes: Buffer, o: { crop?: boolean } = {}) => {
  const target = pinterestMedia.convert!;
  return convertImage(bytes, { formats: target.formats, ...(o.crop && { crop: { width: target.width, height: target.height } }) });
};
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { fixtures, mediaConfig, uploadFile } from './support.js';

const fields = (issues: Array<{ field: string }>) => issues.map((i) => i.field);

describe("Pinterest's media rules", () => {
  const image = (over: Partial<Probed>): Probed => ({
    id: 'm',
    mime: 'image/jpeg',
    kind: 'image',
    size: 100_000,
    width: 1000,
    height: 1500,
    durationMs: null,
    ...over,
  });

  it('accepts a 2:3 JPEG, PNG, WEBP or GIF without advice', () => {
    for (const mime of ['image/jpeg', 'image/png', 'image/webp', 'image/gif'])
      expect(pinterestMediaCheck(image({ mime }))).toEqual({ errors: [], warnings: [] });
  });

  it('errs on other image types, images over 20 MB, and files that are neither image nor video', () => {
    expect(fields(pinterestMediaCheck(image({ mime: 'image/tiff' })).errors)).toEqual(['mime']);
    expect(fields(pinterestMediaCheck(image({ size: 20 * 1024 * 1024 + 1 })).errors)).toEqual(['size']);
    expect(
      fields(pinterestMediaCheck({ id: 'm', mime: 'application/pdf', kind: 'other', size: 10, width: null, height: null, durationMs: null }).errors),
    ).toEqual(['mime']);
    expect(fields(pinterestMediaCheck(image({ unreadable: 'truncated' })).errors)).toEqual(['file']);
  });

  it('warns under 600×900 and off 2:3', () => {
    expect(fields(pinterestMediaCheck(image({ width: 599, height: 900 })).warnings)).toEqual(['width']);
    expect(fields(pinterestMediaCheck(image({ width: 400, height: 300 })).warnings)).toEqual(['width', 'aspect_ratio']);
    expect(fields(pinterestMediaCheck(image({ width: 1200, height: 1200 })).warnings)).toEqual(['aspect_ratio']);
    expect(pinterestMediaCheck(image({ width: 600, height: 900 })).warnings).toEqual([]);
  });

  it('takes MP4 and MOV up to 2 GB', () => {
    const video = (over: Partial<Probed>): Probed => ({
      id: 'v',
      mime: 'video/mp4',
      kind: 'video',
      size: 1e6,
      width: null,
      height: null,
      durationMs: 10_000,
      ...over,
    });
    expect(pinterestMediaCheck(video({}))).toEqual({ errors: [], warnings: [] });
    expect(pinterestMediaCheck(video({ mime: 'video/quicktime' })).errors).toEqual([]);
    expect(fields(pinterestMediaCheck(video({ mime: 'video/webm' })).errors)).toEqual(['mime']);
    expect(fields(pinterestMediaCheck(video({ size: 2 * 1024 ** 3 + 1 })).errors)).toEqual(['size']);
  });

  it('probes by magic number and decodes, so a truncated image is found broken', async () => {
    const f = await fixtures();
    expect(await probe(f.jpeg)).toEqual({ mime: 'image/jpeg', kind: 'image', size: f.jpeg.length, width: 1000, height: 1500 });
    expect((await probe(f.truncatedPng)).unreadable).toBeDefined();
    expect(await probe(f.text)).toEqual({ mime: 'application/octet-stream', kind: 'other', size: f.text.length });
    expect(await probe(f.mp4)).toMatchObject({ mime: 'video/mp4', kind: 'video', durationMs: 3000, codec: 'avc1.42c01e', width: 320, height: 240 });
  });

  it('converts WEBP to JPEG, cropping to 1000×1500 only when asked', async () => {
    const f = await fixtures();
    const plain = await convertForPinterest(f.webp);
    expect([plain.mime, plain.width, plain.height]).toEqual(['image/jpeg', 1200, 800]);
    const cropped = await convertForPinterest(f.webp, { crop: true });
    const meta = await sharp(cropped.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1000, 1500]);
  });
});

describe('size limits of stored media', () => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion({ config: { media: mediaConfig({ maxImageBytes: 20_000, maxVideoBytes: 60_000 }) } });
  });
  afterAll(async () => p?.close());

  it('refuses an image over the image limit and any file over the upload limit with 413', async () => {
    const noisy = await sharp(randomBytes(120 * 120 * 3), { raw: { width: 120, height: 120, channels: 3 } })
      .png()
      .toBuffer();
    expect(noisy.length).toBeGreaterThan(20_000);
    expect(noisy.length).toBeLessThan(60_000);
    const image = await uploadFile(p, noisy, 'noisy.png');
    expect(image.status).toBe(413);
    expect(((await image.json()) as { type: string }).type).toBe('urn:pinion:problem:file-too-large');
    const huge = await uploadFile(p, Buffer.alloc(100_000), 'huge.bin');
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
