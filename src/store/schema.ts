/**
 * The one data model both stores share. Times are UTC epoch milliseconds (bigint), booleans
 * are 0/1 integers and structured values are JSON text, so every query means the same thing
 * on SQLite and PostgreSQL.
 */
export interface Database {
  workspaces: WorkspaceTable;
  api_keys: ApiKeyTable;
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
