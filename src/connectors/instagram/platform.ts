import type { MediaInfo, MediaRules, PlatformFacts } from '../contract.js';
import { codePoints } from '../meta-graph/index.js';
import type { FieldIssue } from '../types.js';

/**
 * Instagram (Graph API content publishing) as data: notes/platforms.md, Instagram section, and
 * the IGUser/IGMedia node specs. Where Meta's pages disagree the stricter value is used.
 */
export const IG_LIMITS = {
  caption: 2200,
  hashtags: 30,
  mentions: 20,
  altText: 1000,
  carouselMin: 2,
  carouselMax: 10,
  minRatio: 4 / 5,
  maxRatio: 1.91,
  maxImageBytes: 8 * 1024 * 1024,
  /** Reels: 300 MB in the reference, 1 GB in Meta's Postman collection: the stricter. */
  maxVideoBytes: 300 * 1024 * 1024,
  minVideoMs: 3_000,
  maxReelMs: 15 * 60_000,
  maxStoryVideoMs: 60_000,
  /** The publish quota when `content_publishing_limit` says nothing (the references' 50; the guide says 100). */
  quota: 50,
} as const;

export const IG_SCOPES = ['instagram_business_basic', 'instagram_business_content_publish', 'instagram_business_manage_comments'] as const;

export const INSTAGRAM_FACTS: PlatformFacts = {
  id: 'instagram',
  name: 'Instagram',
  scopes: IG_SCOPES,
  text: { max: IG_LIMITS.caption, count: codePoints, unit: 'characters' },
  /** Links in captions are not clickable: a link goes to the first comment when asked, else it is dropped. */
  links: 'none',
  capabilities: {
    images: true,
    maxImages: IG_LIMITS.carouselMax,
    video: true,
    carousel: true,
    threads: false,
    altText: true,
    mediaRequired: true,
    boards: false,
    fetchesMediaByUrl: true,
  },
  /**
   * The real cap is the rolling publish quota, read live from `content_publishing_limit` before each
   * post (a full quota makes the post wait); this budget only spaces writes (one every 6 s).
   */
  writeBudget: { category: 'instagram_publish', limit: 10, windowSeconds: 60, perDay: 0 },
  defaults: { apiBaseUrl: 'https://graph.instagram.com', authorizeUrl: 'https://www.instagram.com/oauth/authorize', timeoutMs: 30_000 },
  /** A published container shows PUBLISHED at once; the media list may lag a little. */
  outcomeWindowSeconds: 120,
};

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** Whether Instagram takes these bytes as they are (image/JPEG, video/MP4 or MOV, sizes, durations). */
export function checkInstagramMedia(m: MediaInfo & { unreadable?: string }): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  if (m.unreadable) return { errors: [{ field: 'file', message: `is a broken ${m.mime} file: ${m.unreadable}` }], warnings };
  if (m.kind === 'image') {
    if (m.mime !== 'image/jpeg')
      errors.push({
        field: 'mime',
        message: `${m.mime} images are not accepted by Instagram, only JPEG; convert it (POST /api/v1/media/{id}/convert {"target":"instagram"})`,
      });
    if (m.size > IG_LIMITS.maxImageBytes)
      errors.push({ field: 'size', message: `is ${mb(m.size)}; Instagram takes images up to ${mb(IG_LIMITS.maxImageBytes)}` });
  } else if (m.kind === 'video') {
    if (!['video/mp4', 'video/quicktime'].includes(m.mime))
      errors.push({ field: 'mime', message: `${m.mime} videos are not accepted by Instagram; use MP4 or MOV` });
    if (m.size > IG_LIMITS.maxVideoBytes)
      errors.push({ field: 'size', message: `is ${mb(m.size)}; Instagram takes videos up to ${mb(IG_LIMITS.maxVideoBytes)}` });
    if (m.durationMs !== null && (m.durationMs < IG_LIMITS.minVideoMs || m.durationMs > IG_LIMITS.maxReelMs)) {
      errors.push({ field: 'duration_ms', message: `is ${m.durationMs / 1000} s; Instagram takes videos of 3 s to 15 min` });
    }
  } else errors.push({ field: 'mime', message: `is ${m.mime}, not an image or a video` });
  return { errors, warnings };
}

export const instagramMedia: MediaRules = {
  check: checkInstagramMedia,
  /** Instagram takes JPEG only; 1080×1350 (4:5) is the tallest feed image it shows uncropped. */
  convert: { formats: ['image/jpeg'], width: 1080, height: 1350 },
};
