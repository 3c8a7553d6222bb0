import { DateTime } from 'luxon';
import type { PlatformFacts } from '../contract.js';

/**
 * YouTube (Data API v3) as data: Google's Discovery document (specs/youtube, revision 20260427)
 * and the prose docs it leaves out (notes/platforms.md, YouTube section). Code that plans, paces
 * or publishes reads these numbers from here.
 */
export const YT = {
  /** VideoSnippet.title: "maximum length of 100 characters" (docs; Discovery sets no maxLength). */
  titleMax: 100,
  /** VideoSnippet.description: "maximum length of 5000 bytes" (docs). */
  descriptionMaxBytes: 5000,
  /** VideoSnippet.tags: 500 characters in all, commas between tags counted, a tag with a space counted in quotes (docs). */
  tagsMaxChars: 500,
  /** videos.insert mediaUpload.maxSize: 274877906944 bytes (256 GiB). */
  maxVideoBytes: 274_877_906_944,
  /** Resumable upload chunks are multiples of 256 KiB except the last (using_resumable_upload_protocol). */
  chunkUnit: 256 * 1024,
  /** Largest chunk Pinion sends: a lost chunk costs at most this much to send again. */
  maxChunkBytes: 8 * 1024 * 1024,
  /** A Short: square or vertical and at most 3 minutes (YouTube Help "Upload YouTube Shorts", since 2024-10-15). */
  shortMaxMs: 180_000,
  /** thumbnails.set mediaUpload: image/jpeg, image/png, maxSize 2 MiB. */
  thumbnailTypes: ['image/jpeg', 'image/png'],
  thumbnailMaxBytes: 2 * 1024 * 1024,
  /** "People & Blogs": YouTube's own default category for uploads. */
  defaultCategoryId: '22',
  /** The quota day: "Daily quotas reset at midnight Pacific Time" (determine_quota_cost). */
  quotaZone: 'America/Los_Angeles',
} as const;

/** Scopes, Google's full URLs: upload (videos.insert, thumbnails.set per Discovery) and readonly (channels, playlistItems, videos.list). */
export const YT_SCOPES = ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.readonly'] as const;

export const YOUTUBE_FACTS: PlatformFacts = {
  id: 'youtube',
  name: 'YouTube',
  scopes: YT_SCOPES,
  /** The post's text is the video's description, which YouTube measures in UTF-8 bytes. */
  text: { max: YT.descriptionMaxBytes, count: (text) => Buffer.byteLength(text, 'utf8'), unit: 'bytes (UTF-8)' },
  /** No link field: a link goes in the description, where YouTube makes it clickable. */
  links: 'in_text',
  capabilities: {
    images: false,
    maxImages: 0,
    video: true,
    carousel: false,
    threads: false,
    altText: false,
    mediaRequired: true,
    boards: false,
  },
  /**
   * YouTube publishes no per-channel upload rate, only `uploadLimitExceeded` when a channel has
   * uploaded "too many"; the project's daily quota (below) is the real limit. One upload a minute
   * per channel keeps bursts polite.
   */
  writeBudget: { category: 'uploads', limit: 60, windowSeconds: 3600, perDay: 0 },
  defaults: { apiBaseUrl: 'https://www.googleapis.com', authorizeUrl: 'https://accounts.google.com/o/oauth2/v2/auth', timeoutMs: 60_000 },
  /** The channel's uploads playlist can lag behind a finished upload by a few minutes. */
  outcomeWindowSeconds: 300,
  /**
   * Units per Google project per Pacific day. The docs disagree on videos.insert: its page says it
   * costs 1,600 units of the default 10,000; the quota page says inserts have their own bucket of
   * 100 calls. The stricter reading (1,600 from the shared 10,000: six uploads a day) is the default;
   * `platforms.youtube.quota` sets both the allowance and every cost (keys are the method names in
   * camel case, `videosInsert` for videos.insert, since config paths are dotted).
   */
  quota: { unitsPerDay: 10_000, costs: { videosInsert: 1600, thumbnailsSet: 50, videosDelete: 50, list: 1 } },
};

export const watchUrl = (videoId: string, short: boolean) =>
  short ? `https://www.youtube.com/shorts/${videoId}` : `https://www.youtube.com/watch?v=${videoId}`;

/** The quota day a moment falls in, as Google counts it: the calendar date in Pacific time. */
export const quotaDay = (at: number): string => DateTime.fromMillis(at, { zone: YT.quotaZone }).toISODate()!;

/** When the quota day holding `at` ends: the next midnight in Pacific time (23 or 25 hours away on DST days). */
export const nextQuotaReset = (at: number): number => DateTime.fromMillis(at, { zone: YT.quotaZone }).startOf('day').plus({ days: 1 }).toMillis();

/** YouTube's count of a tag list: each tag, a comma between tags, and quotes around a tag that has a space. */
export const tagsLength = (tags: readonly string[]): number =>
  tags.reduce((sum, tag) => sum + [...tag].length + (/\s/.test(tag) ? 2 : 0), 0) + Math.max(0, tags.length - 1);
