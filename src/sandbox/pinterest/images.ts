import sharp from 'sharp';
import { MediaFetchError, safeFetch } from '../../net/index.js';
import { errors } from './errors.js';
import type { StoredImage } from './state.js';

/**
 * Unverified: Pinterest does not publish the threshold behind error 233. We reject images narrower or shorter
 * than 100 px, well below its recommended 1000×1500, so realistic test images pass and thumbnails-as-pins do not.
 */
export const MIN_IMAGE_SIDE = 100;
/**
 * Unverified: Pinterest publishes no pixel limit. Images with more are "broken" here rather than
 * decoded: a 1 MB PNG can claim 16000×16000, which takes seconds and gigabytes to decode.
 */
export const MAX_IMAGE_PIXELS = 50_000_000;

export interface CheckedImage extends StoredImage {
  /** Hex such as `#6e7874`, from sharp's dominant-colour statistic. */
  dominantColor: string;
}

const FORMAT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
};

const hex = (n: number) => n.toString(16).padStart(2, '0');

/** Fully decodes the bytes (stats() reads every pixel), so truncated files count as broken, not just unknown headers. */
export async function checkImage(bytes: Buffer): Promise<CheckedImage> {
  let format: string | undefined;
  let width: number | undefined;
  let height: number | undefined;
  let dominant: { r: number; g: number; b: number };
  try {
    const image = sharp(bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
    const meta = await image.metadata();
    ({ format, width, height } = meta);
    dominant = (await image.stats()).dominant;
  } catch {
    throw errors.imageBroken();
  }
  const contentType = format === undefined ? undefined : FORMAT_TYPES[format];
  if (!contentType || width === undefined || height === undefined) throw errors.imageBroken();
  if (width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) throw errors.imageTooSmall();
  return { bytes, contentType, width, height, dominantColor: `#${hex(dominant.r)}${hex(dominant.g)}${hex(dominant.b)}` };
}

export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw errors.invalidUrl();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw errors.invalidUrl();
  return url;
}

/**
 * Fetches an image as Pinterest's servers would: from the public internet only. The sandbox runs
 * inside a user's network, so a URL naming (or resolving to, or redirecting to) a private or
 * loopback address is refused unless its host is in `allowHosts` (the instance itself, test servers).
 * An image URL that does not answer (refused, timeout, non-2xx) is "Sorry we could not fetch the image." (400 code 1)
 * as production says, or a "broken image" (403 code 235) with `imageFetchFailure: 'broken'`; bytes that are too many
 * or not an image are broken either way.
 */
export async function fetchImage(
  raw: string,
  options: { timeoutMs: number; maxBytes: number; allowHosts: readonly string[]; onUnreachable?: 'could-not-fetch' | 'broken' },
): Promise<CheckedImage> {
  const url = parseHttpUrl(raw);
  let bytes: Buffer;
  try {
    ({ bytes } = await safeFetch(url.toString(), { allowHosts: [...options.allowHosts], maxBytes: options.maxBytes, timeoutMs: options.timeoutMs }));
  } catch (err) {
    if (err instanceof MediaFetchError && err.reason === 'too_large') throw errors.imageBroken();
    throw (options.onUnreachable ?? 'could-not-fetch') === 'could-not-fetch' ? errors.couldNotFetchImage() : errors.imageBroken();
  }
  return checkImage(bytes);
}

export function decodeBase64Image(data: string, contentType: unknown): Buffer {
  if (contentType !== 'image/jpeg' && contentType !== 'image/png') {
    throw errors.invalidParameters('content_type must be image/jpeg or image/png');
  }
  if (!/^[a-zA-Z0-9+/=]+$/.test(data)) throw errors.invalidParameters('data must be base64 without whitespace');
  return Buffer.from(data, 'base64');
}

export type ImageSizeName = '150x150' | '400x300' | '600x' | '1200x';
export const IMAGE_SIZES: ImageSizeName[] = ['150x150', '400x300', '600x', '1200x'];

/** Fixed sizes are cover-cropped; "N x" sizes keep the aspect ratio and never upscale. */
export function renditionSize(image: { width: number; height: number }, size: ImageSizeName): { width: number; height: number } {
  if (size === '150x150') return { width: 150, height: 150 };
  if (size === '400x300') return { width: 400, height: 300 };
  const target = size === '600x' ? 600 : 1200;
  const width = Math.min(target, image.width);
  return { width, height: Math.round((image.height * width) / image.width) };
}

export async function renderImage(image: StoredImage, size: ImageSizeName): Promise<Buffer> {
  const { width, height } = renditionSize(image, size);
  return sharp(image.bytes, { limitInputPixels: MAX_IMAGE_PIXELS }).resize(width, height, { fit: 'cover' }).jpeg().toBuffer();
}
