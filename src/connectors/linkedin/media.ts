import type { MediaInfo, MediaRules } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { LINKEDIN_MEDIA } from './platform.js';

export { MEDIA_REF, mediaRef, refId } from '../media-ref.js';

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** Whether LinkedIn takes these bytes as they are: errors stop a post, warnings are advice. */
export function checkLinkedInMedia(m: MediaInfo & { unreadable?: string }): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const R = LINKEDIN_MEDIA;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  if (m.unreadable) {
    errors.push({ field: 'file', message: `is a broken ${m.mime} file: ${m.unreadable}` });
    return { errors, warnings };
  }
  if (m.kind === 'image') {
    if (!(R.imageTypes as readonly string[]).includes(m.mime))
      errors.push({ field: 'mime', message: `${m.mime} images are not accepted by LinkedIn; use JPEG, PNG or GIF` });
    if (m.size > R.maxImageBytes) errors.push({ field: 'size', message: `is ${mb(m.size)}; Pinion sends LinkedIn images up to ${mb(R.maxImageBytes)}` });
    if (m.width !== null && m.height !== null && m.width * m.height >= R.maxImagePixels) {
      errors.push({
        field: 'width',
        message: `is ${m.width}×${m.height}; LinkedIn takes images of fewer than ${R.maxImagePixels.toLocaleString('en')} pixels`,
      });
    }
  } else if (m.kind === 'video') {
    if (!(R.videoTypes as readonly string[]).includes(m.mime))
      errors.push({ field: 'mime', message: `${m.mime} videos are not accepted by LinkedIn; use MP4` });
    if (m.size > R.maxVideoBytes) errors.push({ field: 'size', message: `is ${mb(m.size)}; LinkedIn takes videos up to ${mb(R.maxVideoBytes)}` });
    if (m.size < R.minVideoBytes)
      warnings.push({ field: 'size', message: `is ${Math.round(m.size / 1024)} KB; LinkedIn's guidance is at least 75 KB and it may refuse smaller videos` });
    if (m.durationMs !== null && (m.durationMs < R.minVideoMs || m.durationMs > R.maxVideoMs)) {
      errors.push({
        field: 'duration_ms',
        message: `is ${m.durationMs / 1000} s; LinkedIn takes videos of ${R.minVideoMs / 1000} s to ${R.maxVideoMs / 60_000} minutes`,
      });
    }
  } else {
    errors.push({ field: 'mime', message: `is ${m.mime}, not an image or a video` });
  }
  return { errors, warnings };
}

export const linkedInMediaRules: MediaRules = {
  check: checkLinkedInMedia,
  /** LinkedIn shows a single feed image at up to 1200 px wide; square keeps the most of a photo. */
  convert: { formats: ['image/jpeg', 'image/png'], width: 1200, height: 1200 },
};
