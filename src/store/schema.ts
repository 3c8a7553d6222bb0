/**
 * The one data model both stores share. Times are UTC epoch milliseconds (bigint), booleans
 * are 0/1 integers and structured values are JSON text, so every query means the same thing
 * on SQLite and PostgreSQL.
 */
export interface Database {
  workspaces: WorkspaceTable;
  api_keys: ApiKeyTable;
  accounts: AccountTable;
  oauth_states: OAuthStateTable;
  boards: BoardTable;
  board_sections: BoardSectionTable;
}

export interface WorkspaceTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  name: string;
  /** First characters of the key, shown in listings so a person can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key; the key itself is never stored. */
  hash: string;
  /** Space-separated scopes. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

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
  created_at: number;
  updated_at: number;
}

export interface OAuthStateTable {
  /** SHA-256 of the state sent to the platform; the state itself is not stored. */
  state_hash: string;
  workspace_id: string;
  platform: string;
  redirect_url: string | null;
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
