import sharp from 'sharp';
import type { Media, MediaKind, ProcessingState } from './state.js';

const MB = 1024 * 1024;

/** media/introduction.mdx and media/quickstart/best-practices.mdx: image 5 MB, GIF 15 MB, video 512 MB. */
export const SIZE_LIMITS: Record<MediaKind, number> = { image: 5 * MB, gif: 15 * MB, video: 512 * MB };

const KEY_PREFIX: Record<MediaKind, string> = { image: '3', video: '7', gif: '16' };

export const IMAGE_CATEGORIES = ['tweet_image', 'dm_image'];
const CATEGORY_KINDS: Record<string, MediaKind> = {
  tweet_image: 'image',
  dm_image: 'image',
  tweet_gif: 'gif',
  dm_gif: 'gif',
  tweet_video: 'video',
  dm_video: 'video',
  amplify_video: 'video',
};

/**
 * The kind decides limits and processing. Without a category, best-practices.mdx says the media is taken as post
 * media "depending on the content type": GIF → tweet_gif, other images → tweet_image, video → tweet_video.
 * Returns a reason when the type and category contradict each other or are not emulated.
 */
export function mediaKindOf(mediaType: string, category: string | undefined): { kind: MediaKind; category: string } | { refused: string } {
  const typeKind: MediaKind | undefined =
    mediaType === 'image/gif' ? 'gif' : mediaType.startsWith('image/') ? 'image' : mediaType.startsWith('video/') ? 'video' : undefined;
  if (!typeKind) return { refused: `media_type ${mediaType} (subtitles, 3D models) is not emulated by the sandbox` };
  if (category === undefined) return { kind: typeKind, category: `tweet_${typeKind}` };
  const kind = CATEGORY_KINDS[category];
  if (!kind) return { refused: `media_category ${category} is not emulated by the sandbox` };
  // A GIF may be posted as a still image; anything else must match its category.
  const fits = kind === typeKind || (kind === 'image' && typeKind === 'gif');
  return fits ? { kind, category } : { refused: `media_type ${mediaType} does not fit media_category ${category}` };
}

export function mediaKey(id: string, kind: MediaKind, category: string): string {
  return `${category === 'amplify_video' ? '13' : KEY_PREFIX[kind]}_${id}`;
}

/** Unverified: X publishes no pixel limit; an image with more is broken here rather than decoded (a 1 MB PNG can be 16000×16000). */
const MAX_IMAGE_PIXELS = 50_000_000;

/** Fully decodes the image (stats() reads every pixel), so truncated files count as broken. */
export async function decodeImage(bytes: Buffer): Promise<{ width: number; height: number; type: string; animated: boolean } | null> {
  try {
    const image = sharp(bytes, { failOn: 'error', animated: true, limitInputPixels: MAX_IMAGE_PIXELS });
    const meta = await image.metadata();
    await image.stats();
    if (!meta.format || !meta.width || !meta.height) return null;
    return { width: meta.width, height: meta.pageHeight ?? meta.height, type: `image/${meta.format}`, animated: (meta.pages ?? 1) > 1 };
  } catch {
    return null;
  }
}

/** MP4 and QuickTime files are ISO-BMFF: the first box is `ftyp`, at byte offset 4. The sandbox does not decode video. */
export function looksLikeVideo(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp';
}

/**
 * Derived from the clock, so polling sees pending → in_progress → succeeded|failed without a background job.
 * Images are checked at finalize and have no processing (null only before finalize).
 */
export function processingState(media: Media, processingMs: number, now: number): ProcessingState | null {
  if (media.finalizedAt === null) return null;
  if (media.kind === 'image') return media.usable ? 'succeeded' : 'failed';
  const elapsed = now - media.finalizedAt;
  if (elapsed < processingMs * 0.2) return 'pending';
  if (elapsed < processingMs) return 'in_progress';
  return media.usable ? 'succeeded' : 'failed';
}

/** The shape shared by finalize, STATUS and the one-shot upload (FinalizeMediaUploadResponseData in the spec). */
export function uploadView(media: Media, processingMs: number, now: number): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: media.id,
    media_key: media.key,
    expires_after_secs: Math.max(0, Math.floor((media.expiresAt - now) / 1000)),
  };
  if (media.bytes) view['size'] = media.bytes.length;
  if (media.image) view['image'] = { image_type: media.image.type, w: media.image.width, h: media.image.height };
  if (media.kind === 'video' && media.usable) view['video'] = { video_type: media.mediaType };
  const state = media.kind === 'image' ? null : processingState(media, processingMs, now);
  if (state) {
    const elapsed = now - (media.finalizedAt ?? now);
    const done = state === 'succeeded' || state === 'failed';
    view['processing_info'] = {
      state,
      ...(done
        ? { progress_percent: 100 }
        : {
            check_after_secs: Math.max(1, Math.ceil((processingMs - elapsed) / 1000)),
            progress_percent: Math.min(99, Math.floor((elapsed / processingMs) * 100)),
          }),
    };
  }
  return view;
}
