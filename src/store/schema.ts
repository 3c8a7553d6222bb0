import type { Generated } from 'kysely';

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
  webhook_endpoints: WebhookEndpointTable;
  webhook_events: WebhookEventTable;
  webhook_deliveries: WebhookDeliveryTable;
  webhook_attempts: WebhookAttemptTable;
  posts: PostTable;
  deliveries: DeliveryTable;
  rate_pacing: RatePacingTable;
  rate_daily: RateDailyTable;
  quota_units: QuotaUnitsTable;
  media: MediaTable;
  media_uploads: MediaUploadTable;
  account_queues: AccountQueueTable;
  delivery_metrics: DeliveryMetricsTable;
  web_sessions: WebSessionTable;
  compat_ids: CompatIdTable;
  campaigns: CampaignTable;
}

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

export interface WebhookEndpointTable {
  id: string;
  workspace_id: string;
  url: string;
  description: string | null;
  /** Space-separated event types; `*` means every type. */
  events: string;
  /** Signing secret sealed by the token vault (bound to the endpoint id): needed to sign, so not hashed. */
  secret: string;
  /** After a rotation with overlap: the old secret, sealed like `secret`, still signing until `previous_secret_until`. */
  previous_secret: string | null;
  previous_secret_until: number | null;
  /** `pinion`: pinion-signature headers; `standard`: Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). */
  format: WebhookFormat;
  enabled: number;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

export interface WebhookEventTable {
  id: string;
  workspace_id: string;
  type: string;
  /** The event's `data`, as JSON text. */
  payload: string;
  created_at: number;
}

export type WebhookFormat = 'pinion' | 'standard';

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one endpoint: the durable outbox row every sender claims with a lease. */
export interface WebhookDeliveryTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  lease_until: number | null;
  lease_owner: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/** The delivery log: one row per HTTP attempt. */
export interface WebhookAttemptTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  /** First 1 KB of the response body. */
  response_excerpt: string | null;
}

export type PostStatus = 'scheduled' | 'publishing' | 'published' | 'partially_published' | 'failed' | 'cancelled';
/**
 * Where a delivery is; only src/scheduler/delivery-state.ts writes it, through its transition table.
 * `awaiting_check`: an attempt was sent and no answer came back; the platform is searched for its
 * result until the platform's outcome window has passed. `needs_attention`: Pinion could not find out
 * whether the post went out and will not try again; a person checks the platform.
 */
export type DeliveryStatus = 'scheduled' | 'publishing' | 'awaiting_check' | 'published' | 'failed' | 'cancelled' | 'needs_attention';

export interface PostTable {
  id: string;
  workspace_id: string;
  /** A summary of the post's deliveries, kept in step with them. */
  status: PostStatus;
  /** JSON: the post as the caller sent it (normalised), so it can be shown, updated and re-validated. */
  request: string;
  scheduled_at: number;
  timezone: string | null;
  idempotency_key: string | null;
  /** SHA-256 of the request body sent with the idempotency key. */
  request_hash: string | null;
  /** JSON: the background link preflight's last verdict on the post's destination links. */
  link_check: string | null;
  link_checked_at: number | null;
  /** The campaign the post belongs to, if any. */
  campaign_id: string | null;
  /** Deleted by a person: gone from listings and lookups; its deliveries keep their history. */
  deleted_at: number | null;
  /** What `GET /posts?q=` matches: text, links and titles, lower-cased (src/shared/search-text.ts). */
  search_text: Generated<string>;
  /** When the background media preflight next fetches the post's media URLs: 0 (the default) as soon as it can, null when nothing is left to check. */
  media_check_next: number | null;
  /** The worker holding the media check, and until when (a lease, so two workers never check one post at once). */
  media_check_owner: string | null;
  media_check_until: number | null;
  /** When the media preflight last finished, and its verdict (JSON: the problems found, `[]` when none). */
  media_checked_at: number | null;
  media_check: string | null;
  created_at: number;
  updated_at: number;
}

/** One post going to one account: the unit the scheduler claims, publishes and retries. */
export interface DeliveryTable {
  id: string;
  post_id: string;
  workspace_id: string;
  account_id: string;
  platform: string;
  status: DeliveryStatus;
  /** JSON: exactly what the platform receives (for Pinterest, the PinCreate body). */
  payload: string;
  /** When the person wants it out; lateness is measured against this. */
  scheduled_at: number;
  /** When a worker may next pick it up (scheduled_at, or later after a retry or a rate-limit wait). */
  run_at: number;
  attempts: number;
  /** 1 between recording an attempt and learning its outcome: if set when claimed, look before publishing again. */
  attempt_pending: number;
  attempt_started_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  external_id: string | null;
  external_url: string | null;
  published_at: number | null;
  /** 1 when the pin was found on the platform after an unknown outcome rather than created by a confirmed call. */
  adopted: number;
  last_error: string | null;
  last_error_kind: string | null;
  /** JSON: what the publisher saved part-way (a thread's parts already out), so the next attempt resumes. */
  progress: string | null;
  /**
   * Until when the result of the last attempt is looked for before publishing again: when Pinion
   * stopped waiting for its answer plus the platform's outcome window. Null when the last attempt
   * got an answer (a server error), which needs one look only. In no index, so recording an attempt
   * changes no indexed column (on PostgreSQL a HOT update).
   */
  check_until: number | null;
  /** On a delivery published again after an unanswered attempt found nothing: when to look once more for that attempt's pin, made late. */
  follow_up_at: number | null;
  /** JSON: other posts the platform turned out to hold for this delivery, `[{ external_id, url, removed }]`. */
  duplicates: string | null;
  /** Something a person should know about a delivery that went out (a duplicate that could not be deleted). */
  warning: string | null;
  /** How many times a person sent the failed delivery back to the queue; who last did (API key id) and when. */
  retries: Generated<number>;
  retried_at: number | null;
  retried_by: string | null;
  /** When Pinion deleted the published post from the platform (DELETE /posts/:id?unpublish=true). */
  unpublished_at: number | null;
  /** The platform's duplicate-rule key of the payload ('' when none applies; NULL on deliveries older than the column). */
  duplicate_key: string | null;
  created_at: number;
  updated_at: number;
}

/** Per account and rate category: the earliest time the next call may go (spacing calls evenly). */
export interface RatePacingTable {
  account_id: string;
  category: string;
  next_slot_at: number;
}

export interface RateDailyTable {
  account_id: string;
  category: string;
  /** UTC day number (epoch ms / 86 400 000). */
  day: number;
  used: number;
}

/** Units of a daily quota used so far, per bucket (an app's allowance at a platform) and the platform's own day. */
export interface QuotaUnitsTable {
  bucket: string;
  /** The day as the platform counts it (`2026-11-28` in the platform's zone): its reset is the platform's. */
  day: string;
  used: number;
}

/** A file a workspace stored with Pinion, probed from its bytes; the bytes live in the media store under `sha256`. */
export interface MediaTable {
  id: string;
  workspace_id: string;
  sha256: string;
  mime: string;
  kind: 'image' | 'video' | 'other';
  size: number;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  codec: string | null;
  source: 'upload' | 'url' | 'presigned' | 'converted';
  source_url: string | null;
  filename: string | null;
  /** The media this one was converted from. */
  converted_from: string | null;
  created_at: number;
}

/** A presigned upload URL handed out: single use, until expires_at, up to max_bytes. */
export interface MediaUploadTable {
  id: string;
  workspace_id: string;
  max_bytes: number;
  content_type: string | null;
  /** The URL's HMAC key, sealed by the token vault (bound to the upload id). */
  sealed_key: string;
  expires_at: number;
  used_at: number | null;
  media_id: string | null;
  created_at: number;
}

/** An account's weekly queue: times in its zone that posts sent with `next_slot` fill in order. */
export interface AccountQueueTable {
  account_id: string;
  timezone: string;
  /** JSON: [{ days: ['mon', …], times: ['09:00', …] }]. */
  slots: string;
  updated_at: number;
}

/** A published post's metrics as the platform reported them at one checkpoint (`1d`, `7d`, `30d`, `manual`). */
export interface DeliveryMetricsTable {
  delivery_id: string;
  checkpoint: string;
  workspace_id: string;
  platform: string;
  /** JSON: counts by metric name (impressions, saves, …). */
  metrics: string;
  read_at: number;
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

/** A named group of posts of a workspace (a launch, a season), posts carry its id. */
export interface CampaignTable {
  id: string;
  workspace_id: string;
  name: string;
  description: string | null;
  /** `#rrggbb`, for calendars. */
  color: string | null;
  created_at: number;
  updated_at: number;
}
