/**
 * The tables of posts and their deliveries (one post to one account, what the scheduler claims and
 * publishes), the metrics read back for published deliveries, and the campaigns posts are grouped in.
 */
import type { Generated } from 'kysely';

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
