import { probe } from '../../media/index.js';
import { safeFetch } from '../../net/index.js';

/** What the emulator made of a media URL it was given, as Meta would after downloading and decoding it. */
export interface Fetched {
  ok: boolean;
  kind?: 'image' | 'video';
  mime?: string;
  width?: number;
  height?: number;
  durationMs?: number;
  /** Why it failed, in Meta's words (and the subcode the docs give for it). */
  error?: { message: string; subcode: number; threadsCode: string };
}

const failed = (message: string, subcode: number, threadsCode: string): Fetched => ({ ok: false, error: { message, subcode, threadsCode } });

/**
 * Downloads and decodes media as Meta does with `image_url` / `video_url` / `url` / `file_url`.
 * A URL that cannot be fetched → 2207052 (media download failed); bytes that are no image or
 * video, or do not decode → 2207026 for video, 2207052 for images (the docs' nearest subcodes).
 */
export async function fetchMedia(url: string, timeoutMs: number, allowHosts: readonly string[]): Promise<Fetched> {
  let bytes: Buffer;
  try {
    // From public addresses only (plus the allowed hosts), as Meta's servers would: never this machine's private network.
    ({ bytes } = await safeFetch(url, { allowHosts: [...allowHosts], maxBytes: 1024 ** 3, timeoutMs }));
  } catch (err) {
    return failed(`Media download has failed. The media URI doesn't meet our requirements (${(err as Error).message}).`, 2207052, 'FAILED_DOWNLOADING_VIDEO');
  }
  return decode(bytes);
}

export async function decode(bytes: Buffer): Promise<Fetched> {
  const p = await probe(bytes);
  if (p.kind === 'other') return failed('The media could not be decoded: it is neither a supported image nor a video.', 2207052, 'UNKNOWN');
  if (p.unreadable)
    return failed(
      `The ${p.kind} could not be decoded: ${p.unreadable}`,
      p.kind === 'video' ? 2207026 : 2207052,
      p.kind === 'video' ? 'FAILED_PROCESSING_VIDEO' : 'UNKNOWN',
    );
  return { ok: true, kind: p.kind, mime: p.mime, width: p.width, height: p.height, durationMs: p.durationMs };
}
