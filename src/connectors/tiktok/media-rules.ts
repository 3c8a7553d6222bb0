import type { MediaInfo, MediaRules } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { TIKTOK } from './platform.js';

export { MEDIA_REF, mediaRef, refId } from '../media-ref.js';

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/**
 * Whether TikTok would take these bytes. Images pass only as photo-post material (JPEG/WebP);
 * whether the post is a photo post is decided in plan, which refuses images for a video post.
 */
export function tiktokMediaCheck(p: MediaInfo & { unreadable?: string }): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const M = TIKTOK.media;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  if (p.unreadable) {
    errors.push({ field: 'file', message: `is a broken ${p.mime} file: ${p.unreadable}` });
    return { errors, warnings };
  }
  if (p.kind === 'video') {
    if (!(M.videoTypes as readonly string[]).includes(p.mime))
      errors.push({ field: 'mime', message: `${p.mime} videos are not accepted by TikTok; use MP4, MOV or WebM` });
    if (p.size > M.maxVideoBytes) errors.push({ field: 'size', message: `is ${mb(p.size)}; TikTok takes videos up to 4 GB` });
    if (p.durationMs !== null && p.durationMs > M.maxVideoSeconds * 1000)
      errors.push({ field: 'duration_ms', message: `is ${p.durationMs / 1000} s; TikTok takes videos of up to ${M.maxVideoSeconds} s through the API` });
    if (p.width !== null && p.height !== null) {
      const [short, long] = [Math.min(p.width, p.height), Math.max(p.width, p.height)];
      if (short < M.minVideoSide || long > M.maxVideoSide)
        errors.push({ field: 'width', message: `is ${p.width}×${p.height}; TikTok takes videos of ${M.minVideoSide} to ${M.maxVideoSide} pixels a side` });
    }
  } else if (p.kind === 'image') {
    if (!(M.photoTypes as readonly string[]).includes(p.mime))
      errors.push({ field: 'mime', message: `${p.mime} images are not accepted by TikTok photo posts; use JPEG or WebP` });
    if (p.size > M.maxPhotoBytes) errors.push({ field: 'size', message: `is ${mb(p.size)}; TikTok takes photos up to ${mb(M.maxPhotoBytes)}` });
    if (p.width !== null && p.height !== null && Math.max(p.width, p.height) > M.maxPhotoSide) {
      warnings.push({ field: 'width', message: `is ${p.width}×${p.height}; TikTok shows photos at up to 1080p and may scale this one down` });
    }
  } else {
    errors.push({ field: 'mime', message: `is ${p.mime}, not a video or an image` });
  }
  return { errors, warnings };
}

export const tiktokMedia: MediaRules = {
  check: tiktokMediaCheck,
  // Videos by URL are pulled by TikTok (PULL_FROM_URL) or downloaded and uploaded by Pinion.
  byUrl: ['image', 'video'],
  convert: { formats: ['image/jpeg'], width: 1080, height: 1920 },
};
