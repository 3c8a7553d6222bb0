/**
 * The tables of outgoing webhooks: the endpoints a workspace registered, the events that happened, the
 * durable outbox of one event to one endpoint, and the log of each HTTP attempt.
 */

export type WebhookFormat = 'pinion' | 'standard';

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
