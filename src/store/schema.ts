/**
 * The store's data model: the `Database` Kysely is typed with, one line per table. The row types live by
 * area in tables/ (posts and deliveries, accounts, webhooks, media, rate limits, workspaces) and are
 * re-exported here, so code that takes a row or status type from this file keeps doing so.
 */
import type { AccountQueueTable, AccountTable, BoardSectionTable, BoardTable, OAuthStateTable } from './tables/accounts.js';
import type { MediaTable, MediaUploadTable } from './tables/media.js';
import type { CampaignTable, DeliveryMetricsTable, DeliveryTable, PostTable } from './tables/posts.js';
import type { QuotaUnitsTable, RateDailyTable, RatePacingTable } from './tables/rate-limits.js';
import type { WebhookAttemptTable, WebhookDeliveryTable, WebhookEndpointTable, WebhookEventTable } from './tables/webhooks.js';
import type { ApiKeyTable, CompatIdTable, WebSessionTable, WorkspaceTable } from './tables/workspaces.js';

export type * from './tables/accounts.js';
export type * from './tables/media.js';
export type * from './tables/posts.js';
export type * from './tables/rate-limits.js';
export type * from './tables/webhooks.js';
export type * from './tables/workspaces.js';

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
