/**
 * Pinterest as data: what the API v5 contract (specs/pinterest, v5.23.0) allows and
 * needs. Code that validates, adapts or paces posts reads these numbers from here.
 */
export const PINTEREST = {
  id: 'pinterest',
  name: 'Pinterest',
  /** Everything Pinion does: read the account, list and create boards and sections, create pins. */
  scopes: ['user_accounts:read', 'boards:read', 'boards:write', 'pins:read', 'pins:write'],
  limits: {
    title: 100,
    description: 800,
    /** Pinterest shows about this much in feeds; longer descriptions are allowed but cut on screen. */
    descriptionAdvised: 500,
    link: 2048,
    altText: 500,
    carouselMin: 2,
    carouselMax: 5,
    sectionName: 180,
    pageSizeMax: 250,
  },
  /** Standard access, per user per app (SUMMARY §8; org_* rows unverified against Pinterest's page). */
  rateLimits: {
    org_write: { limit: 100, windowSeconds: 60 },
    org_read: { limit: 1000, windowSeconds: 60 },
  },
  /** The category pins, boards and sections are written under: Pinion's write budget paces it. */
  writeCategory: 'org_write',
  tokens: {
    /** Pinterest quotes 30 days for access tokens and 60 (continuous, rotating) for refresh tokens. */
    accessTtlSeconds: 30 * 24 * 3600,
    refreshTtlSeconds: 60 * 24 * 3600,
    rotatesRefreshToken: true,
  },
  capabilities: {
    boards: true,
    sections: true,
    carousel: true,
    video: true,
    altText: true,
    /** No scheduling field exists in the API: Pinion holds the pin and creates it when due. */
    nativeScheduling: false,
    /** POST /oauth/token/revoke accepts only system-user tokens, so user grants cannot be revoked. */
    revokeUserTokens: false,
  },
  defaults: {
    apiBaseUrl: 'https://api.pinterest.com',
    authorizeUrl: 'https://www.pinterest.com/oauth/',
    /** Per call; a publish that times out is an unknown outcome, never blindly retried. */
    timeoutMs: 30_000,
    /** Pins per account, paced below Pinterest's 100/min (org_write, Standard) to leave room for other writes. */
    writeBudget: { limit: 90, windowSeconds: 60, perDay: 0 },
    /**
     * How long after a lost answer a pin may still appear in the board's list: Pinterest may commit
     * after Pinion's timeout and its list endpoints lag writes. Ten minutes covers the slowest commit
     * seen in the sandbox's slow-commit fault (5 min) with room to spare.
     */
    outcomeWindowSeconds: 600,
  },
} as const;

export type PinterestRateCategory = keyof typeof PINTEREST.rateLimits;
