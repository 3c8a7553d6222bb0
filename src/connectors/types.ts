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
