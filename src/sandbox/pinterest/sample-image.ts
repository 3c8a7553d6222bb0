import { createHash } from 'node:crypto';
import sharp from 'sharp';

/** One rendered sample picture with the validators a CDN would send. */
export interface SampleImage {
  bytes: Buffer;
  etag: string;
  lastModified: string;
}

/** Sizes kept rendered: the default and a few a test or a script asks for; more are rendered again when asked. */
const KEPT = 16;

/**
 * The sandbox's sample picture, rendered once per size and then served from memory: a benchmark or a
 * page of pins fetching it over and over must measure Pinion, not sharp. Each size has a strong ETag
 * (the bytes' hash) and the time it was rendered as Last-Modified, so a conditional GET gets a 304.
 */
export class SampleImages {
  private readonly rendered = new Map<string, Promise<SampleImage>>();

  get(width: number, height: number): Promise<SampleImage> {
    const key = `${width}x${height}`;
    let image = this.rendered.get(key);
    if (image) {
      // Most recently used last: the oldest size goes first when there are too many.
      this.rendered.delete(key);
      this.rendered.set(key, image);
      return image;
    }
    image = render(width, height);
    image.catch(() => this.rendered.delete(key));
    this.rendered.set(key, image);
    if (this.rendered.size > KEPT) this.rendered.delete(this.rendered.keys().next().value!);
    return image;
  }
}

async function render(width: number, height: number): Promise<SampleImage> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 230, g: 0, b: 35 } } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 3}" fill="white"/></svg>`,
        ),
      },
    ])
    .jpeg()
    .toBuffer();
  // HTTP dates have whole seconds: the rendering time rounded down, so If-Modified-Since with this value matches.
  const lastModified = new Date(Math.floor(Date.now() / 1000) * 1000).toUTCString();
  return { bytes, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`, lastModified };
}

/** Whether a conditional GET's validators say the client already has this image (RFC 9110 §13.1: If-None-Match wins). */
export function notModified(image: SampleImage, headers: { 'if-none-match'?: string; 'if-modified-since'?: string }): boolean {
  const tags = headers['if-none-match'];
  if (tags !== undefined) return tags.trim() === '*' || tags.split(',').some((t) => t.trim().replace(/^W\//, '') === image.etag);
  const since = headers['if-modified-since'];
  if (since === undefined) return false;
  const at = Date.parse(since);
  return Number.isFinite(at) && Date.parse(image.lastModified) <= at;
}
