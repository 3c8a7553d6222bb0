import type { PlatformFacts } from '../contract.js';

/**
 * TikTok (Content Posting API v2) as data, from the developer docs as summarised in the project's
 * platform notes (TikTok section). Code that plans, paces or publishes reads these numbers here.
 */
export const TIKTOK = {
  id: 'tiktok',
  name: 'TikTok',
  /** Direct Post needs video.publish, upload-to-inbox video.upload; user.info.basic names the account. */
  scopes: ['user.info.basic', 'video.publish', 'video.upload'],
  limits: {
    /** post_info.title of a video: 2,200 UTF-16 code units ("runes" in TikTok's words). */
    videoCaption: 2200,
    photoTitle: 90,
    photoDescription: 4000,
    photoMin: 1,
    photoMax: 35,
  },
  /** The media transfer guide's chunk rules for FILE_UPLOAD. */
  chunks: {
    min: 5 * 1024 * 1024,
    max: 64 * 1024 * 1024,
    /** The last chunk takes the remainder and may reach this size. */
    lastMax: 128 * 1024 * 1024,
    maxCount: 1000,
    /**
     * What Pinion sends: TikTok's smallest chunk, so a chunk whose answer is lost costs little to
     * send again; 1000 chunks of 5 MB still cover TikTok's 4 GB limit.
     */
    preferred: 5 * 1024 * 1024,
  },
  media: {
    videoTypes: ['video/mp4', 'video/quicktime', 'video/webm'],
    maxVideoBytes: 4 * 1024 * 1024 * 1024,
    /** Via the API, whatever the creator's own limit (creator_info max_video_post_duration_sec is read too). */
    maxVideoSeconds: 600,
    minVideoSide: 360,
    maxVideoSide: 4096,
    photoTypes: ['image/jpeg', 'image/webp'],
    maxPhotoBytes: 20 * 1024 * 1024,
    maxPhotoSide: 1080,
  },
  privacyLevels: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'],
  /** Per token, 1-minute sliding window (rate limit page). */
  rateLimits: { init: 6, creatorInfo: 20, status: 30 },
  /**
   * spam_risk_too_many_posts: TikTok publishes no number nor window ("the daily post cap from the
   * API"); integrators report about 15 a day. Pinion waits this long before trying again, and paces
   * itself at writeBudget.perDay (15, the stricter reading; configurable).
   */
  spamRiskWaitSeconds: 3600,
  /** Creator info is asked before each post; this long it is reused (creator_info/query is 20/min per token). */
  creatorInfoTtlMs: 60_000,
  /**
   * TikTok's PKCE challenge is the SHA-256 of the verifier in lowercase hex, not RFC 7636's
   * base64url (Login Kit for Desktop; integrators' reports of "Code verifier or code challenge is
   * invalid" with base64url). The sandbox README lists this as an undecided behaviour.
   */
  pkceChallenge: 'hex' as 'hex' | 'base64url',
  writeCategory: 'post_init',
  defaults: {
    apiBaseUrl: 'https://open.tiktokapis.com',
    authorizeUrl: 'https://www.tiktok.com/v2/auth/authorize/',
    timeoutMs: 30_000,
    /** init is 6/min per token; 15 a day is the integrators' figure for the undocumented daily cap. */
    writeBudget: { limit: 6, windowSeconds: 60, perDay: 15 },
    /** A lost init cannot be looked for (no list of posts in the Content Posting API): see publish.ts. */
    outcomeWindowSeconds: 600,
  },
} as const;

/** TikTok counts title and description in UTF-16 code units. */
export const utf16Length = (text: string): number => text.length;

export const TIKTOK_FACTS: PlatformFacts = {
  id: TIKTOK.id,
  name: TIKTOK.name,
  scopes: TIKTOK.scopes,
  text: { max: TIKTOK.limits.videoCaption, count: utf16Length, unit: 'UTF-16 characters' },
  /** No link field and no clickable links in captions: a link is written into the text. */
  links: 'in_text',
  capabilities: {
    images: true,
    maxImages: TIKTOK.limits.photoMax,
    video: true,
    carousel: true,
    threads: false,
    altText: false,
    mediaRequired: true,
    boards: false,
  },
  writeBudget: { category: TIKTOK.writeCategory, ...TIKTOK.defaults.writeBudget },
  defaults: { apiBaseUrl: TIKTOK.defaults.apiBaseUrl, authorizeUrl: TIKTOK.defaults.authorizeUrl, timeoutMs: TIKTOK.defaults.timeoutMs },
  outcomeWindowSeconds: TIKTOK.defaults.outcomeWindowSeconds,
};
