import twitterText from 'twitter-text';
import type { PlatformFacts } from '../contract.js';

/**
 * X (API v2) as data: what the official OpenAPI (specs/x/openapi.json, v2.167) and X's docs
 * (notes/platforms.md, X section) allow and need. Code that plans, paces or publishes reads
 * these numbers from here.
 */
export const X_LIMITS = {
  /** twitter-text config v3: every URL counts 23, CJK and emoji count 2. */
  textMax: 280,
  urlWeight: 23,
  /** CreatePostsMedia.media_ids: 1..4; a GIF or a video is the only media of its post. */
  maxImages: 4,
  /** CreateMediaMetadataMetadataAltText.text maxLength. */
  altText: 1000,
  /** A thread longer than this is surely a mistake: each part is a write and costs a budget slot. */
  maxThreadParts: 25,
  /** GET /2/users/{id}/tweets max_results (5..100). */
  pageSizeMax: 100,
} as const;

/** Media X takes (docs `media/quickstart/best-practices.mdx`, `media/introduction.mdx`). */
export const X_MEDIA = {
  imageTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
  maxImageBytes: 5 * 1024 * 1024,
  maxGifBytes: 15 * 1024 * 1024,
  maxGifWidth: 1280,
  maxGifHeight: 1080,
  videoTypes: ['video/mp4'],
  maxVideoBytes: 512 * 1024 * 1024,
  minVideoMs: 500,
  maxVideoMs: 140_000,
  minVideoSide: 32,
  /** The docs' limit for videos; larger ones are often accepted by the async upload, so only advice. */
  advisedVideoWidth: 1280,
  advisedVideoHeight: 1024,
  /** Aspect ratio between 1:3 and 3:1. */
  minVideoRatio: 1 / 3,
  maxVideoRatio: 3,
  /**
   * Bytes per APPEND segment. X's chunked upload takes segments of at most 5 MB; 4 MiB stays
   * under that whether X means 5,000,000 bytes or 5 MiB, and 512 MB fits in 128 of the 1000
   * segment indexes allowed (0..999).
   */
  segmentBytes: 4 * 1024 * 1024,
} as const;

/** X's weighted length, exactly as twitter-text (config v3, its default) counts it. */
export const weightedLength = (text: string): number => twitterText.parseTweet(text).weightedLength;

export const X_FACTS: PlatformFacts = {
  id: 'x',
  name: 'X',
  /** POST /2/tweets needs tweet.write, tweet.read, users.read; uploads need media.write; offline.access brings a refresh token. */
  scopes: ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'],
  text: { max: X_LIMITS.textMax, count: weightedLength, unit: 'weighted characters' },
  /** X has no link field: a link goes in the text, where it counts 23. */
  links: 'in_text',
  capabilities: {
    images: true,
    maxImages: X_LIMITS.maxImages,
    video: true,
    /** Up to 4 images show as a grid in one post, not as a carousel with per-slide text and links. */
    carousel: false,
    threads: true,
    altText: true,
    mediaRequired: false,
    boards: false,
  },
  /**
   * X's docs disagree on POST /2/tweets: the rate-limit table says 100 per 15 min per user,
   * `manage-tweets/integrate.mdx` says 200 per 15 min plus 300 per 3 h (posts and reposts).
   * Pinion spaces writes evenly at window/limit, so 300 per 3 h means one post every 36 s: at
   * most 25 in any 15 minutes, which keeps under both 15-minute figures and the 3-hour cap.
   */
  writeBudget: { category: 'tweets', limit: 300, windowSeconds: 3 * 3600, perDay: 0 },
  defaults: { apiBaseUrl: 'https://api.x.com', authorizeUrl: 'https://x.com/i/oauth2/authorize', timeoutMs: 30_000 },
  /**
   * A post created by a call whose answer was lost shows in the user's timeline within seconds
   * normally; 120 s leaves room for X's timeline lag under load (and a slow commit behind a
   * gateway timeout) without holding a retry back for long.
   */
  outcomeWindowSeconds: 120,
};

export const postUrl = (id: string, username?: string) => (username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`);
