import type { PlatformFacts } from '../contract.js';
import { littleTextLength } from './text.js';

/**
 * LinkedIn (Posts API, versioned `/rest`) as data: what LinkedIn's docs (notes/platforms.md,
 * LinkedIn section) allow and need. Code that plans, paces or publishes reads these numbers here.
 */
export const LINKEDIN_LIMITS = {
  /** `commentary`: 3,000 is the figure integrators use; LinkedIn names only FIELD_LENGTH_TOO_LONG. */
  commentary: 3000,
  /** `content.multiImage.images`: 2..20. */
  minImages: 2,
  maxImages: 20,
  /** Article card title and description (no documented limit; LinkedIn's own composer cuts near these). */
  articleTitle: 400,
  articleDescription: 4086,
  altText: 4086,
  /** Share on LinkedIn: 150 requests per member per day, 100,000 per app per day, both reset at 00:00 UTC. */
  memberPerDay: 150,
  appPerDay: 100_000,
  /** GET /rest/posts?q=author page size (LinkedIn caps `count` at 100). */
  pageSize: 50,
} as const;

/** Media LinkedIn takes (Images API and Videos API pages; sizes are third-party figures). */
export const LINKEDIN_MEDIA = {
  imageTypes: ['image/jpeg', 'image/png', 'image/gif'],
  /** Images API: fewer than 36,152,320 pixels. */
  maxImagePixels: 36_152_320,
  maxImageBytes: 20 * 1024 * 1024,
  videoTypes: ['video/mp4'],
  minVideoBytes: 75 * 1024,
  maxVideoBytes: 500 * 1024 * 1024,
  minVideoMs: 3000,
  maxVideoMs: 30 * 60_000,
} as const;

/**
 * The `LinkedIn-Version` sent when a post does not name one (`platform_options.linkedin.api_version`).
 * LinkedIn serves each monthly version about a year, then answers 426 NONEXISTENT_VERSION: this
 * default must move forward with Pinion's releases.
 */
export const DEFAULT_LINKEDIN_VERSION = '202610';
/** LinkedIn's versions are months, `YYYYMM`. */
export const VERSION_PATTERN = '^20[0-9]{2}(0[1-9]|1[0-2])$';

/** The roles on a company page that may post as it (organizationAcls). */
export const POSTING_ROLES = ['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR'] as const;

export const LINKEDIN_FACTS: PlatformFacts = {
  id: 'linkedin',
  name: 'LinkedIn',
  /**
   * Sign In with LinkedIn (openid profile email) names the member; w_member_social posts as them;
   * r_member_social reads their posts back (the search after a lost answer); the organisation
   * scopes (Community Management API) list and post as the pages they administer.
   */
  scopes: ['openid', 'profile', 'email', 'w_member_social', 'r_member_social', 'w_organization_social', 'r_organization_social', 'rw_organization_admin'],
  text: { max: LINKEDIN_LIMITS.commentary, count: littleTextLength, unit: 'characters (after LinkedIn escaping)' },
  /** A link becomes an article card (content.article.source); with media it goes in the text. */
  links: 'field',
  capabilities: {
    images: true,
    maxImages: LINKEDIN_LIMITS.maxImages,
    video: true,
    carousel: false,
    threads: false,
    altText: true,
    mediaRequired: false,
    boards: false,
  },
  /**
   * 150 post creations per member per UTC day (Share on LinkedIn's published figure; LinkedIn's
   * throttles are per endpoint and reset at midnight UTC); LinkedIn publishes no burst limit, so
   * posts are only spaced a second apart.
   */
  writeBudget: { category: 'posts', limit: 60, windowSeconds: 60, perDay: LINKEDIN_LIMITS.memberPerDay },
  defaults: { apiBaseUrl: 'https://api.linkedin.com', authorizeUrl: 'https://www.linkedin.com/oauth/v2/authorization', timeoutMs: 30_000 },
  /** A post whose answer was lost shows in the author's list within seconds; 120 s covers list lag. */
  outcomeWindowSeconds: 120,
};

/** Where a person sees the post: LinkedIn's feed URL of its URN. */
export const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`;

/** The version a delivery's calls carry: the post's own, else this Pinion's. */
export const versionOf = (payload: { version?: string }) => payload.version ?? DEFAULT_LINKEDIN_VERSION;
