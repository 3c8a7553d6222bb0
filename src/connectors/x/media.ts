import type { MediaInfo, MediaRules } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { X_MEDIA } from './platform.js';

export { MEDIA_REF, mediaRef, refId } from '../media-ref.js';

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** Whether X takes these bytes as they are: errors stop a post, warnings are advice. */
export function checkXMedia(m: MediaInfo & { unreadable?: string }): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const R = X_MEDIA;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  if (m.unreadable) {
    errors.push({ field: 'file', message: `is a broken ${m.mime} file: ${m.unreadable}` });
    return { errors, warnings };
  }
  if (m.kind === 'image') {
    if (!(R.imageTypes as readonly string[]).includes(m.mime))
      errors.push({ field: 'mime', message: `${m.mime} images are not accepted by X; use JPEG, PNG, GIF or WEBP` });
    const gif = m.mime === 'image/gif';
    const max = gif ? R.maxGifBytes : R.maxImageBytes;
    if (m.size > max) errors.push({ field: 'size', message: `is ${mb(m.size)}; X takes ${gif ? 'GIFs' : 'images'} up to ${mb(max)}` });
    if (gif && m.width !== null && m.height !== null && (m.width > R.maxGifWidth || m.height > R.maxGifHeight)) {
      errors.push({ field: 'width', message: `is ${m.width}×${m.height}; X takes GIFs up to ${R.maxGifWidth}×${R.maxGifHeight}` });
    }
  } else if (m.kind === 'video') {
    if (!(R.videoTypes as readonly string[]).includes(m.mime))
      errors.push({ field: 'mime', message: `${m.mime} videos are not accepted by X; use MP4 (H.264 and AAC)` });
    if (m.size > R.maxVideoBytes) errors.push({ field: 'size', message: `is ${mb(m.size)}; X takes videos up to ${mb(R.maxVideoBytes)}` });
    if (m.durationMs !== null && (m.durationMs < R.minVideoMs || m.durationMs > R.maxVideoMs)) {
      errors.push({ field: 'duration_ms', message: `is ${m.durationMs / 1000} s; X takes videos of ${R.minVideoMs / 1000} to ${R.maxVideoMs / 1000} s` });
    }
    if (m.width !== null && m.height !== null) {
      if (m.width < R.minVideoSide || m.height < R.minVideoSide)
        errors.push({ field: 'width', message: `is ${m.width}×${m.height}; X takes videos of at least ${R.minVideoSide}×${R.minVideoSide}` });
      const ratio = m.width / m.height;
      if (ratio < R.minVideoRatio || ratio > R.maxVideoRatio)
        errors.push({ field: 'aspect_ratio', message: `is ${m.width}:${m.height}; X takes videos between 1:3 and 3:1` });
      if (m.width > R.advisedVideoWidth || m.height > R.advisedVideoHeight) {
        warnings.push({
          field: 'width',
          message: `is ${m.width}×${m.height}; X's docs advise at most ${R.advisedVideoWidth}×${R.advisedVideoHeight} and may refuse larger videos`,
        });
      }
    }
  } else {
    errors.push({ field: 'mime', message: `is ${m.mime}, not an image or a video` });
  }
  return { errors, warnings };
}

export const xMediaRules: MediaRules = {
  check: checkXMedia,
  /** X shows a single image uncropped at 16:9; JPEG unless transparency needs PNG. */
  convert: { formats: ['image/jpeg', 'image/png'], width: 1600, height: 900 },
};
