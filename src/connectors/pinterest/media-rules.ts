import type { MediaInfo, MediaRules } from '../contract.js';
import type { FieldIssue } from '../types.js';

/**
 * Pinterest's media numbers. The API spec has none of them: they come from Pinterest's help pages
 * as quoted by third parties (specs/pinterest/SUMMARY.md §8, "not verified").
 */
export const PINTEREST_MEDIA = {
  imageTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  /** image_base64 (an upload of stored bytes) takes only these. */
  base64Types: ['image/jpeg', 'image/png'],
  maxImageBytes: 20 * 1024 * 1024,
  /** Smaller images are accepted but look poor; Pinterest answers code 233 "too small" for tiny ones. */
  minWidth: 600,
  minHeight: 900,
  /** 2:3 (1000×1500) is what the feed shows uncropped. */
  advisedRatio: 2 / 3,
  ratioTolerance: 0.02,
  convertWidth: 1000,
  convertHeight: 1500,
  videoTypes: ['video/mp4', 'video/quicktime', 'video/x-m4v'],
  maxVideoBytes: 2 * 1024 * 1024 * 1024,
  minVideoMs: 4_000,
  maxVideoMs: 15 * 60_000,
} as const;

/** `field` names the property of the media at fault (`mime`, `size`, `width`, …). */
export type MediaIssue = FieldIssue;

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** Whether Pinterest would take these bytes: errors stop a post, warnings are advice. */
export function pinterestMediaCheck(p: MediaInfo & { unreadable?: string }): { errors: MediaIssue[]; warnings: MediaIssue[] } {
  const R = PINTEREST_MEDIA;
  const errors: MediaIssue[] = [];
  const warnings: MediaIssue[] = [];
  if (p.unreadable) {
    errors.push({ field: 'file', message: `is a broken ${p.mime} file: ${p.unreadable}` });
    return { errors, warnings };
  }
  if (p.kind === 'image') {
    if (!(R.imageTypes as readonly string[]).includes(p.mime))
      errors.push({ field: 'mime', message: `${p.mime} images are not accepted by Pinterest; use JPEG, PNG, WEBP or GIF` });
    if (p.size > R.maxImageBytes) errors.push({ field: 'size', message: `is ${mb(p.size)}; Pinterest takes images up to ${mb(R.maxImageBytes)}` });
    if (p.width !== null && p.height !== null) {
      if (p.width < R.minWidth || p.height < R.minHeight) {
        warnings.push({
          field: 'width',
          message: `is ${p.width}×${p.height}; Pinterest advises at least ${R.minWidth}×${R.minHeight}, smaller images look blurry or may be refused as too small`,
        });
      }
      if (Math.abs(p.width / p.height - R.advisedRatio) > R.ratioTolerance) {
        warnings.push({
          field: 'aspect_ratio',
          message: `is ${p.width}:${p.height}; Pinterest advises 2:3 (e.g. ${R.convertWidth}×${R.convertHeight}), other ratios may be cropped in the feed`,
        });
      }
    }
  } else if (p.kind === 'video') {
    if (!(R.videoTypes as readonly string[]).includes(p.mime))
      errors.push({ field: 'mime', message: `${p.mime} videos are not accepted by Pinterest; use MP4 or MOV` });
    if (p.size > R.maxVideoBytes) errors.push({ field: 'size', message: `is ${mb(p.size)}; Pinterest takes videos up to ${mb(R.maxVideoBytes)}` });
    if (p.durationMs !== null && (p.durationMs < R.minVideoMs || p.durationMs > R.maxVideoMs)) {
      warnings.push({ field: 'duration_ms', message: `is ${p.durationMs / 1000} s; Pinterest advises videos of 4 s to 15 min` });
    }
  } else {
    errors.push({ field: 'mime', message: `is ${p.mime}, not an image or a video` });
  }
  return { errors, warnings };
}

export const pinterestMedia: MediaRules = {
  check: pinterestMediaCheck,
  convert: { formats: ['image/jpeg', 'image/png'], width: PINTEREST_MEDIA.convertWidth, height: PINTEREST_MEDIA.convertHeight },
};
