/** Tokens as a platform hands them out; times are absolute so they survive being stored. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  scopes: string[];
}

/** Who the connected account is on the platform. */
export interface AccountIdentity {
  externalId: string;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
  accountType: string | null;
}

/** The OAuth side of a platform: all the accounts code needs to connect and keep a grant alive. */
export interface OAuthFlow {
  /**
   * URL to send the person to; `state` comes back on the callback. `codeChallenge` is the S256
   * PKCE challenge of a verifier Pinion keeps; platforms without PKCE ignore it. `codeVerifier` is
   * that verifier, for platforms whose challenge is not RFC 7636's base64url (a hex digest, say).
   */
  authorizeUrl(input: { redirectUri: string; state: string; codeChallenge: string; codeVerifier?: string }): string;
  exchangeCode(input: { code: string; redirectUri: string; codeVerifier: string }): Promise<TokenSet>;
  /** Returns the new token set; platforms that rotate refresh tokens return the new one. */
  refresh(refreshToken: string): Promise<TokenSet>;
  identify(accessToken: string): Promise<AccountIdentity>;
  /** Revokes the grant where the platform allows it; false where it does not. */
  revoke?(token: string): Promise<boolean>;
  /**
   * Platforms where one grant reaches several accounts (a person's Pages, each with its own token):
   * every account the grant yields, each with the tokens to use for it. When present, connecting
   * stores all of them instead of the one `identify` names.
   */
  accounts?(tokens: TokenSet): Promise<GrantedAccount[]>;
}

/** One account a grant yields; `platform` when it belongs to another platform of the same family (default: the connect's). */
export interface GrantedAccount {
  platform?: string;
  identity: AccountIdentity;
  tokens: TokenSet;
}

export type { FieldIssue } from '../shared/index.js';

export interface Published {
  externalId: string;
  url: string;
}

/** What a search for an unconfirmed attempt found: the post to keep, and any others that carry the same delivery. */
export interface FoundPublished extends Published {
  /** Further posts matching what was sent, made by this delivery's attempts: to delete, newest last. */
  duplicates?: Published[];
}

export type WithToken = <T>(call: (accessToken: string) => Promise<T>) => Promise<T>;

/**
 * A platform's daily quota of units shared by every account and worker using the same app (a
 * project's allowance), kept in the database. The connector names the bucket, the day in the
 * platform's own zone and each call's cost; the day's total never passes `limit`.
 */
export interface DailyUnits {
  /** Takes `units` for `day` if the total stays within `limit`; otherwise takes nothing. */
  take(bucket: string, day: string, units: number, limit: number): Promise<{ ok: boolean; used: number }>;
  /** The platform said the allowance is spent: count the day as used up. */
  exhaust(bucket: string, day: string, limit: number): Promise<void>;
  used(bucket: string, day: string): Promise<number>;
}

export interface PublishInput {
  payload: unknown;
  withToken: WithToken;
  /** Bytes of media Pinion stores, for payloads that reference them. */
  readMedia(mediaId: string): Promise<{ bytes: Buffer; mime: string }>;
  /** Downloads a media URL the post names, refusing private addresses: for platforms that take no media by URL. */
  readUrl(url: string): Promise<{ bytes: Buffer; mime: string }>;
  /**
   * A signed, expiring, unguessable URL under Pinion's public URL serving a stored media's bytes:
   * for platforms that fetch media from a URL. Absent where Pinion has no media store.
   */
  publicMediaUrl?(mediaId: string): Promise<string>;
  /**
   * Keeps bytes the publisher derived for the platform (an image fitted to its aspect ratios) as a
   * media of the workspace and returns a signed public link to them, like `publicMediaUrl`.
   */
  publicUrlOfBytes?(bytes: Buffer, mime: string): Promise<string>;
  /**
   * What an earlier attempt of this delivery saved with `checkpoint` (a thread's parts already
   * out, an upload session), or null. A publisher resumes from it instead of starting again.
   */
  progress: unknown;
  /** Saves progress durably before the publisher goes on: after a crash the next attempt resumes here. */
  checkpoint(progress: unknown): Promise<void>;
  /**
   * Takes one more slot of the account's write budget, waiting for it if needed: for writes after
   * the first in one delivery (a thread's next part). The first write's slot is already taken.
   */
  spend(): Promise<void>;
  /** The app's daily quota units, for platforms that count calls in units (absent: the platform's refusals are the only guard). */
  units?: DailyUnits;
}

/**
 * A platform's publish flow, as the scheduler sees it. The scheduler owns time, leases, rate
 * budgets and retries; a publisher only talks to its platform and throws ConnectorErrors.
 */
export interface Publisher {
  platform: string;
  /** The platform rate category a publish spends, budgeted per account by the scheduler. */
  rateCategory: string;
  publish(input: PublishInput): Promise<Published>;
  /**
   * After an attempt whose outcome is unknown (timeout, dropped connection, crash): what that
   * attempt published, if anything. `since` is when the delivery's first attempt may have started;
   * `exclude` holds ids already owned by other deliveries, which must never be adopted. Must not
   * depend on the order the platform lists posts in; throws (retryable) when it could not look
   * through everything since `since`, so that not finding is never confused with not looking.
   * When several posts match, the oldest is returned and the others as `duplicates`.
   */
  findPublished(input: {
    payload: unknown;
    since: number;
    exclude: Set<string>;
    withToken: WithToken;
    progress?: unknown;
    units?: DailyUnits;
  }): Promise<FoundPublished | null>;
  /** Deletes a post Pinion made twice (an unknown outcome found later to have succeeded), where the platform allows it. */
  remove?(input: { externalId: string; withToken: WithToken; units?: DailyUnits }): Promise<void>;
}
