import type { MediaInfo, MediaRules, PlatformFacts } from '../contract.js';
import { FACEBOOK_LOGIN_SCOPES, codePoints } from '../meta-graph/index.js';
import type { FieldIssue } from '../types.js';

/** Facebook Pages (Graph API) as data: notes/platforms.md, Facebook Pages section, and the Page node spec. */
export const FB_LIMITS = {
  /** Widely quoted, not found in Meta's docs. */
  message: 63_206,
  /** Photos attached to one feed post; Meta documents no number, so a conservative one. */
  maxPhotos: 10,
  maxImageBytes: 10 * 1024 * 1024,
  maxVideoBytes: 1024 * 1024 * 1024,
} as const;

export const FACEBOOK_FACTS: PlatformFacts = {
  id: 'facebook',
  name: 'Facebook',
  scopes: FACEBOOK_LOGIN_SCOPES,
  text: { max: FB_LIMITS.message, count: codePoints, unit: 'characters' },
  /** A feed post takes a link of its own (with a preview). */
  links: 'field',
  capabilities: {
    images: true,
    maxImages: FB_LIMITS.maxPhotos,
    video: true,
    carousel: false,
    threads: false,
    altText: true,
    mediaRequired: false,
    boards: false,
    fetchesMediaByUrl: true,
  },
  /**
   * Meta publishes no feed cap; Pages calls fall under Business Use Case limits, which Pinion reads
   * from the usage headers and slows down for. This budget only spaces writes (one every 3 s).
   */
  writeBudget: { category: 'facebook_page_posts', limit: 20, windowSeconds: 60, perDay: 0 },
  defaults: { apiBaseUrl: 'https://graph.facebook.com', authorizeUrl: 'https://www.facebook.com/v21.0/dialog/oauth', timeoutMs: 30_000 },
  /** A post made by a call whose answer was lost is in the Page's feed at once; video posts take longer. */
  outcomeWindowSeconds: 180,
};

function checkFacebookMedia(m: MediaInfo & { unreadable?: string }): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  if (m.unreadable) errors.push({ field: 'file', message: `is a broken ${m.mime} file: ${m.unreadable}` });
  else if (m.kind === 'image') {
    if (!['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/bmp', 'image/tiff'].includes(m.mime))
      errors.push({ field: 'mime', message: `${m.mime} images are not accepted by Facebook` });
    if (m.size > FB_LIMITS.maxImageBytes)
      errors.push({ field: 'size', message: `is larger than Facebook's ${FB_LIMITS.maxImageBytes / 1024 / 1024} MB for photos` });
  } else if (m.kind === 'video') {
    if (!['video/mp4', 'video/quicktime'].includes(m.mime)) errors.push({ field: 'mime', message: `${m.mime} videos are not accepted; use MP4 or MOV` });
    if (m.size > FB_LIMITS.maxVideoBytes) errors.push({ field: 'size', message: 'is larger than the 1 GB Pinion sends to Facebook by URL' });
  } else errors.push({ field: 'mime', message: `is ${m.mime}, not an image or a video` });
  return { errors, warnings: [] };
}

export const facebookMedia: MediaRules = { check: checkFacebookMedia, convert: { formats: ['image/jpeg', 'image/png'], width: 1200, height: 630 } };
