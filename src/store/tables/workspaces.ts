/**
 * The tables of a workspace and of the ways clients reach it: the workspace itself, its API keys,
 * signed-in dashboard sessions, and the stable numbers compat wire formats use for Pinion ids.
 */
import type { Generated } from 'kysely';

export interface WorkspaceTable {
  id: string;
  name: string;
  /** JSON: workspace defaults such as UTM tagging. */
  settings: Generated<string>;
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

/** A signed-in dashboard browser. Its cookie holds a random id; only that id's SHA-256 is kept here. */
export interface WebSessionTable {
  id_hash: string;
  /** The API key the person signed in with: every call of the session is made as that key (revoking it ends the session). */
  key_id: string;
  /** Sent back by the page in `x-csrf-token` on every request that changes something. */
  csrf: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

/** A stable integer for a Pinion id, for wire formats whose ids are numbers (src/compat). */
export interface CompatIdTable {
  /** What the id is of, in the format's words (`posteverywhere.account`). */
  kind: string;
  pinion_id: string;
  number: number | null;
  /** JSON: what the format has and Pinion does not (a webhook's name). */
  data: string | null;
  created_at: number;
}
