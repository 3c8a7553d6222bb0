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
  /** URL to send the person to; `state` comes back on the callback. */
  authorizeUrl(input: { redirectUri: string; state: string }): string;
  exchangeCode(input: { code: string; redirectUri: string }): Promise<TokenSet>;
  /** Returns the new token set; platforms that rotate refresh tokens return the new one. */
  refresh(refreshToken: string): Promise<TokenSet>;
  identify(accessToken: string): Promise<AccountIdentity>;
  /** Revokes the grant where the platform allows it; false where it does not. */
  revoke?(token: string): Promise<boolean>;
}

/** A problem with one input field, in the caller's terms (`platform_options.pinterest.title`). */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface Published {
  externalId: string;
  url: string;
}

/**
 * A platform's publish flow, as the scheduler sees it. The scheduler owns time, leases, rate
 * budgets and retries; a publisher only talks to its platform and throws ConnectorErrors.
 */
export interface Publisher {
  platform: string;
  /** The platform rate category a publish spends, budgeted per account by the scheduler. */
  rateCategory: string;
  publish(input: {
    payload: unknown;
    withToken: <T>(call: (accessToken: string) => Promise<T>) => Promise<T>;
    /** Bytes of media Pinion stores, for payloads that reference them. */
    readMedia(mediaId: string): Promise<{ bytes: Buffer; mime: string }>;
  }): Promise<Published>;
  /**
   * After an attempt whose outcome is unknown (timeout, dropped connection, crash): what that
   * attempt published, if anything. `since` is when it started; `exclude` holds ids already
   * owned by other deliveries, which must never be adopted.
   */
  findPublished(input: { payload: unknown; since: number; exclude: Set<string>; withToken: <T>(call: (accessToken: string) => Promise<T>) => Promise<T> }): Promise<Published | null>;
}
