/**
 * What the media library keeps and what it refuses: its settings (the limits), the refusal it raises with
 * the HTTP status and problem slug that say why, the check every probed file passes before it is stored,
 * and the clean-up of the file names clients give.
 */
import type { MediaProbe } from './probe.js';

/** Bytes Pinion will not keep, with the HTTP status and problem slug that say why. */
export class MediaRejected extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    message: string,
    readonly field = 'file',
  ) {
    super(message);
    this.name = 'MediaRejected';
  }
}

export interface MediaSettings {
  maxImageBytes: number;
  maxVideoBytes: number;
  fetchMaxBytes: number;
  fetchTimeoutMs: number;
  fetchAllowHosts: string[];
  presignTtlSeconds: number;
  /** Images with more pixels are refused from their header, never decoded. */
  maxInputPixels: number;
  /** How long a media URL's probe judges new posts naming it, and how many URLs are kept. */
  probeCacheSeconds?: number;
  probeCacheEntries?: number;
}

/** Only images and videos that decode are kept; other bytes are refused with the reason. */
export function accept(p: MediaProbe, settings: MediaSettings): void {
  if (p.tooManyPixels) throw new MediaRejected(422, 'too-many-pixels', tooManyPixels(p, settings.maxInputPixels));
  if (p.kind === 'other')
    throw new MediaRejected(
      422,
      'not-media',
      `is ${p.mime === 'application/octet-stream' ? 'not a file type Pinion recognises' : p.mime}, not an image or a video`,
    );
  if (p.unreadable) throw new MediaRejected(422, 'broken-media', `is a broken ${p.mime} file that cannot be decoded (${p.unreadable})`);
  const max = p.kind === 'image' ? settings.maxImageBytes : settings.maxVideoBytes;
  if (p.size > max) throw new MediaRejected(413, 'file-too-large', `is a ${p.size}-byte ${p.kind}; ${p.kind}s are stored up to ${max} bytes`);
}

export const tooManyPixels = (p: MediaProbe, max: number) =>
  `is ${p.width}×${p.height} pixels (${Math.round(((p.width ?? 0) * (p.height ?? 0)) / 1e6)} Mpx); images are accepted up to ${max} pixels (media.maxInputPixels): scale it down first`;

/**
 * A file name as given by a client or taken from a URL, without control characters (PostgreSQL
 * refuses NUL in text; none of them belongs in a name), at most 255 characters; empty is none.
 */
export function cleanFileName(name: string | undefined): string | null {
  const clean = name?.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
  return clean ? clean : null;
}

/** The last segment of a URL's path, decoded: the file name a fetched media is stored under. */
export function fileNameOf(url: string): string | undefined {
  const last = new URL(url).pathname.split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : undefined;
}
