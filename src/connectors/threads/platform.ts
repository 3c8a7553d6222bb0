import type { MediaInfo, MediaRules, PlatformFacts } from '../contract.js';
import { threadsLength } from '../meta-graph/index.js';
import type { FieldIssue } from '../types.js';

/** Threads (graph.threads.net, v1.0) as data: notes/platforms.md, Threads section, and Meta's Postman collection. */
export const THREADS_LIMITS = {
  text: 500,
  links: 5,
  altText: 1000,
  /** Carousel items: 20 in the 2026 docs, 10 before; the stricter. */
  carouselMax: 10,
  /** A reply chain longer than this is surely a mistake; each part is a post of the quota. */
  maxChain: 10,
  quota: 250,
  replyQuota: 1000,
  maxImageBytes: 8 * 1024 * 1024,
  maxVideoBytes: 1024 * 1024 * 1024,
  maxVideoMs: 5 * 60_000,
} as const;

export const THREADS_SCOPES = ['threads_basic', 'threads_content_publish'] as const;

export const THREADS_FACTS: PlatformFacts = {
  id: 'threads',
  name: 'Threads',
  scopes: THREADS_SCOPES,
  text: { max: THREADS_LIMITS.text, count: threadsLength, unit: 'characters (emoji count as their UTF-8 bytes)' },
  /** Links in a Threads post's text are clickable. */
  links: 'in_text',
  capabilities: {
    images: true,
    maxImages: THREADS_LIMITS.carouselMax,
    video: true,
    carousel: true,
    threads: true,
    altText: true,
    mediaRequired: false,
    boards: false,
    fetchesMediaByUrl: true,
  },
  /** The 250 posts / 24 h quota is read live before publishing; this budget only spaces writes. */
  writeBudget: { category: 'threads_publish', limit: 10, windowSeconds: 60, perDay: 0 },
  defaults: { apiBaseUrl: 'https://graph.threads.net', authorizeUrl: 'https://threads.net/oauth/authorize', timeoutMs: 30_000 },
  outcomeWindowSeconds: 120,
};

function checkThreadsMedia(m: MediaInfo & { unreadable?: string }): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  if (m.unreadable) errors.push({ field: 'file', message: `is a broken ${m.mime} file: ${m.unreadable}` });
  else if (m.kind === 'image') {
    if (!['image/jpeg', 'image/png'].includes(m.mime)) errors.push({ field: 'mime', message: `${m.mime} images are not accepted by Threads; use JPEG or PNG` });
    if (m.size > THREADS_LIMITS.maxImageBytes) errors.push({ field: 'size', message: 'is larger than the 8 MB Threads takes' });
  } else if (m.kind === 'video') {
    if (!['video/mp4', 'video/quicktime'].includes(m.mime))
      errors.push({ field: 'mime', message: `${m.mime} videos are not accepted by Threads; use MP4 or MOV` });
    if (m.durationMs !== null && m.durationMs > THREADS_LIMITS.maxVideoMs)
      errors.push({ field: 'duration_ms', message: 'is longer than the 5 minutes Threads takes' });
  } else errors.push({ field: 'mime', message: `is ${m.mime}, not an image or a video` });
  return { errors, warnings: [] };
}

export const threadsMedia: MediaRules = { check: checkThreadsMedia, convert: { formats: ['image/jpeg', 'image/png'], width: 1440, height: 1800 } };
