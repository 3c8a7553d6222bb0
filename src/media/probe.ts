import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileTypeFromBuffer, fileTypeFromFile } from 'file-type';
import { createFile, Log, MP4BoxBuffer, type Movie } from 'mp4box';
import sharp from 'sharp';

export type MediaKind = 'image' | 'video' | 'other';

/** What the bytes are, read from the bytes themselves: never from a filename or a Content-Type header. */
export interface MediaProbe {
  mime: string;
  kind: MediaKind;
  size: number;
  width?: number;
  height?: number;
  durationMs?: number;
  /** RFC 6381 codec string of the first video track, e.g. `avc1.42c01e`. */
  codec?: string;
  /** Why the bytes could not be read as the type their magic number claims (a broken image). */
  unreadable?: string;
  /** The image has more pixels than the probe was allowed to decode; width and height are from its header. */
  tooManyPixels?: boolean;
}

/** Pixels an image may have before it is refused unread (sharp's own cap is 268 Mpx); `media.maxInputPixels`. */
export const DEFAULT_MAX_INPUT_PIXELS = 50_000_000;

export interface ProbeLimits {
  /** Images with more pixels are reported (tooManyPixels), not decoded: a 1 MB PNG can hold 256 Mpx. */
  maxInputPixels?: number;
}

/** ISO-BMFF containers mp4box can read: MP4, MOV, M4V. */
const ISO_BMFF = new Set(['video/mp4', 'video/quicktime', 'video/x-m4v', 'video/3gpp']);

// mp4box logs parse details to the console by default; a server's log is pino's.
Log.setLogLevel(Log.error);

export async function probe(bytes: Buffer, limits: ProbeLimits = {}): Promise<MediaProbe> {
  const type = await fileTypeFromBuffer(bytes);
  const chunks = async function* () {
    yield bytes;
  };
  return describe(type?.mime ?? 'application/octet-stream', bytes.length, bytes, chunks, limits.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS);
}

/** As `probe`, reading a file in chunks so a 2 GB video is never held in memory. */
export async function probeFile(path: string, limits: ProbeLimits = {}): Promise<MediaProbe> {
  const [type, info] = await Promise.all([fileTypeFromFile(path), stat(path)]);
  const chunks = () => createReadStream(path, { highWaterMark: 1 << 20 });
  return describe(type?.mime ?? 'application/octet-stream', info.size, path, chunks, limits.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS);
}

async function describe(mime: string, size: number, source: Buffer | string, chunks: () => AsyncIterable<Buffer>, maxPixels: number): Promise<MediaProbe> {
  const kind: MediaKind = mime.startsWith('image/') ? 'image' : mime.startsWith('video/') ? 'video' : 'other';
  const out: MediaProbe = { mime, kind, size };
  if (kind === 'image') {
    try {
      // The header first, read without the pixel cap (sharp applies it to metadata() too): a
      // decompression bomb (a 1 MB PNG of 16000×16000) is refused from it, never decoded.
      const meta = await sharp(source, { failOn: 'error', limitInputPixels: false }).metadata();
      out.width = meta.autoOrient?.width ?? meta.width;
      out.height = meta.autoOrient?.height ?? meta.height;
      if (meta.width * meta.height > maxPixels) {
        out.tooManyPixels = true;
        return out;
      }
      // A truncated image shows only when its pixels are decoded. Decoding to a thumbnail lets JPEG
      // and WebP shrink on load: every byte of the entropy-coded data is still read (so truncation
      // still fails), at a fraction of a full decode's cost.
      await sharp(source, { failOn: 'error', limitInputPixels: maxPixels })
        .resize({ width: 64, height: 64, fit: 'inside', fastShrinkOnLoad: true })
        .raw()
        .toBuffer();
    } catch (err) {
      out.unreadable = (err as Error).message;
    }
  } else if (ISO_BMFF.has(mime)) {
    const movie = await readMovie(chunks());
    if (!movie) out.unreadable = 'no readable movie header (moov) in the file';
    else {
      const track = movie.videoTracks[0];
      const seconds = movie.duration && movie.timescale ? movie.duration / movie.timescale : track ? track.duration / track.timescale : 0;
      if (seconds > 0) out.durationMs = Math.round(seconds * 1000);
      if (track) {
        out.codec = track.codec;
        out.width = track.video?.width ?? track.track_width;
        out.height = track.video?.height ?? track.track_height;
      }
    }
  }
  return out;
}

/** Feeds the file to mp4box until it has the movie header; mdat payloads are skipped, not kept. */
async function readMovie(chunks: AsyncIterable<Buffer>): Promise<Movie | undefined> {
  const file = createFile(false);
  let movie: Movie | undefined;
  file.onReady = (info) => (movie = info);
  file.onError = () => {};
  let offset = 0;
  try {
    for await (const chunk of chunks) {
      const ab = MP4BoxBuffer.fromArrayBuffer(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.length) as ArrayBuffer, offset);
      offset += chunk.length;
      file.appendBuffer(ab);
      if (movie) break;
    }
    file.flush();
  } catch {
    return undefined;
  }
  return movie;
}
