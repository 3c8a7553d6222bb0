/**
 * The tables of connected platform accounts: the account and its sealed tokens, the OAuth state of a
 * connect in progress, the boards (and their sections) fetched from the platform, and the account's posting queue.
 */

export type AccountStatus = 'active' | 'needs_reauth' | 'disconnected';

export interface AccountTable {
  id: string;
  workspace_id: string;
  platform: string;
  /** The account's id on the platform. */
  external_id: string;
  username: string;
  display_name: string | null;
  avatar_url: string | null;
  account_type: string | null;
  status: AccountStatus;
  /** Space-separated scopes the platform granted. */
  scopes: string;
  /** Encrypted by the token vault; never leaves the server. */
  access_token: string | null;
  refresh_token: string | null;
  access_expires_at: number | null;
  refresh_expires_at: number | null;
  /** Goes up with every token change, so a refresher can tell that another one already did it. */
  token_version: number;
  /** A lease: the one process allowed to refresh this account until then. */
  refresh_lock_until: number | null;
  refresh_lock_owner: string | null;
  refreshed_at: number | null;
  last_error: string | null;
  boards_fetched_at: number | null;
  /** The access expiry a person was last warned about (grants without a refresh token), so each is told once. */
  expiry_warned_for: number | null;
  /** When the grant was found dead (status needs_reauth); null while the account is fine. */
  needs_reauth_since: number | null;
  /** IANA zone the account lives in (the dashboard shows its posts in it); null: the workspace's (UTC). */
  timezone: string | null;
  created_at: number;
  updated_at: number;
}

export interface OAuthStateTable {
  /** SHA-256 of the state sent to the platform; the state itself is not stored. */
  state_hash: string;
  workspace_id: string;
  platform: string;
  redirect_url: string | null;
  /** PKCE verifier for this connect, sent with the code exchange (platforms without PKCE ignore it). */
  code_verifier: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface BoardTable {
  account_id: string;
  external_id: string;
  name: string;
  description: string | null;
  privacy: string | null;
  pin_count: number | null;
  sections_fetched_at: number | null;
  fetched_at: number;
}

export interface BoardSectionTable {
  account_id: string;
  board_external_id: string;
  external_id: string;
  name: string;
  fetched_at: number;
}

/** An account's weekly queue: times in its zone that posts sent with `next_slot` fill in order. */
export interface AccountQueueTable {
  account_id: string;
  timezone: string;
  /** JSON: [{ days: ['mon', …], times: ['09:00', …] }]. */
  slots: string;
  updated_at: number;
}
