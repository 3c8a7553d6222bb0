import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES, type Delivery, type WebhookEndpoint } from '../../webhooks/index.js';
import { isoTime } from '../schemas.js';

/** The webhook routes' request and answer shapes, and endpoints and deliveries as the API shows them. */

const EventName = Type.Union([...EVENT_TYPES.map((t) => Type.Literal(t)), Type.Literal('*')], {
  description:
    'An event type, or `*` for all. `post.published` / `post.failed`: a delivery went out / will not (kind unknown_outcome with needs_attention: check the platform). `post.needs_attention`: the media check before publishing found the post’s media broken (missing, not an image, refused by the platform’s rules); nothing was sent, and changing the media (PATCH the post) schedules it again. `post.link_broken`: a post due within 24 h links to a broken or redirecting page. `account.needs_reauth` / `account.expiring`: reconnect the account.',
});
const Url = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2048, description: 'http(s) URL that receives POSTed events' });
const Events = Type.Array(EventName, { minItems: 1, uniqueItems: true });
const Format = Type.Union([Type.Literal('pinion'), Type.Literal('standard')], {
  description:
    'How requests are signed: `pinion` (pinion-signature: t=…,v1=hex HMAC of "t.body") or `standard` (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)',
});
const Description = Type.Union([Type.Null(), Type.String({ maxLength: 500 })]);
const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const DeliveryStatus = Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]);

export const EndpointView = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    description: Description,
    events: Type.Array(Type.String()),
    format: Format,
    enabled: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
    disabled_at: Time,
    previous_secret_expires_at: { ...Time, description: 'While set, the secret replaced by the last rotation signs too (a second v1), until this time' },
  },
  { $id: 'WebhookEndpoint' },
);
export const WithSecret = Type.Intersect([
  Type.Omit(EndpointView, []),
  Type.Object({ secret: Type.String({ description: 'Signing secret (whsec_…). Shown only in this response.' }) }),
]);
export const RotateBody = Type.Object(
  {
    keep_previous_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 7 * 86_400,
        description: 'Sign with the old secret too (a second v1 in pinion-signature) for this long, so receivers can switch over; default 0: it stops at once',
      }),
    ),
  },
  { additionalProperties: false },
);
export const CreateBody = Type.Object(
  { url: Url, events: Events, description: Type.Optional(Description), format: Type.Optional(Format) },
  { additionalProperties: false },
);
export const PatchBody = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(Events),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
    format: Type.Optional(Format),
  },
  { additionalProperties: false, minProperties: 1 },
);
const AttemptView = Type.Object({
  attempt: Type.Integer(),
  started_at: Type.String({ format: 'date-time' }),
  duration_ms: Type.Integer(),
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  response_excerpt: Type.Union([Type.String(), Type.Null()], { description: 'First 1 KB of the response body' }),
});
export const DeliveryView = Type.Object(
  {
    id: Type.String(),
    endpoint_id: Type.String(),
    status: DeliveryStatus,
    attempt_count: Type.Integer(),
    next_attempt_at: Time,
    last_status_code: Type.Union([Type.Integer(), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time' }),
    delivered_at: Time,
    event: Type.Object({
      id: Type.String(),
      type: Type.String(),
      created_at: Type.String({ format: 'date-time' }),
      data: Type.Record(Type.String(), Type.Unknown()),
    }),
    attempts: Type.Array(AttemptView),
  },
  { $id: 'WebhookDelivery' },
);
export const DeliveryParams = Type.Object({ delivery_id: Type.String({ minLength: 1, maxLength: 100 }) });
export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(DeliveryStatus),
    cursor: Type.Optional(Type.String({ maxLength: 100 })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  },
  { additionalProperties: false },
);

export const view = (e: WebhookEndpoint): Static<typeof EndpointView> => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events,
  format: e.format,
  enabled: e.enabled,
  created_at: isoTime(e.createdAt),
  updated_at: isoTime(e.updatedAt),
  disabled_at: e.disabledAt && isoTime(e.disabledAt),
  previous_secret_expires_at: e.previousSecretUntil && isoTime(e.previousSecretUntil),
});
export const deliveryView = (d: Delivery): Static<typeof DeliveryView> => ({
  id: d.id,
  endpoint_id: d.endpointId,
  status: d.status,
  attempt_count: d.attemptCount,
  next_attempt_at: d.nextAttemptAt && isoTime(d.nextAttemptAt),
  last_status_code: d.lastStatusCode,
  last_error: d.lastError,
  created_at: isoTime(d.createdAt),
  delivered_at: d.deliveredAt && isoTime(d.deliveredAt),
  event: { id: d.event.id, type: d.event.type, created_at: isoTime(d.event.createdAt), data: d.event.data },
  attempts: d.attempts.map((a) => ({
    attempt: a.attempt,
    started_at: isoTime(a.startedAt),
    duration_ms: a.durationMs,
    status_code: a.statusCode,
    error: a.error,
    response_excerpt: a.responseExcerpt,
  })),
});
