import { Type, type Static } from '@sinclair/typebox';
import { postMediaUrls, type Post, type PostPlan } from '../../posts/index.js';
import type { MetricsReading } from '../../analytics/index.js';
import { isoTime } from '../schemas.js';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const Issue = Type.Object({ field: Type.String(), message: Type.String() });
const Json = Type.Record(Type.String(), Type.Unknown());

export const DeliveryView = Type.Object(
  {
    id: Type.String(),
    platform: Type.String(),
    account_id: Type.String(),
    status: Type.Union(
      ['scheduled', 'publishing', 'awaiting_check', 'published', 'failed', 'cancelled', 'needs_attention'].map((s) => Type.Literal(s)),
      {
        description:
          'awaiting_check: an attempt got no answer; Pinion looks on the platform for what it made until `check_until`, and publishes again only if nothing turned up by then. needs_attention: Pinion could not find out whether the post went out and will not try again; check the platform (see last_error). With last_error.kind `media`, the media check before publishing found the post’s media broken and nothing was sent: change the media (PATCH) to schedule it again.',
      },
    ),
    scheduled_at: Type.String({ format: 'date-time' }),
    next_attempt_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When a worker next takes the delivery up: to publish (scheduled) or to look for the result of an unanswered attempt (awaiting_check)',
    }),
    check_until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'While awaiting_check: the end of the window the unanswered attempt is looked for in',
    }),
    attempts: Type.Integer(),
    published_at: Time,
    external_id: Type.Union([Type.String(), Type.Null()]),
    url: Type.Union([Type.String(), Type.Null()]),
    adopted: Type.Boolean({ description: 'True when an unconfirmed attempt was found already published and adopted instead of publishing twice' }),
    last_error: Type.Union([Type.Object({ kind: Type.String(), message: Type.String() }), Type.Null()]),
    duplicates: Type.Array(Type.Object({ external_id: Type.String(), url: Type.String(), removed: Type.Boolean() }), {
      description:
        'Other posts the platform turned out to hold for this delivery (an unanswered attempt that was made after all), and whether Pinion deleted them',
    }),
    warning: Type.Union([Type.String(), Type.Null()]),
    retries: Type.Integer({ description: 'How many times a person sent this delivery back to the queue after it failed (POST /posts/:id/retry)' }),
    retried_at: Time,
    retried_by: Type.Union([Type.String(), Type.Null()], { description: 'The API key (id) that last retried it' }),
    unpublished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When Pinion deleted the published post from the platform (DELETE /posts/:id?unpublish=true)',
    }),
    payload: Type.Unknown({ description: 'Exactly what the platform receives' }),
    metrics: Type.Optional(
      Type.Object(
        {
          latest: Type.Union([Type.Record(Type.String(), Type.Number()), Type.Null()]),
          readings: Type.Array(
            Type.Object({
              checkpoint: Type.String({ description: '1d, 7d, 30d after publishing, or manual' }),
              read_at: Type.String({ format: 'date-time' }),
              metrics: Type.Record(Type.String(), Type.Number()),
            }),
          ),
        },
        { description: 'Metrics read back from the platform (published deliveries of platforms with analytics)' },
      ),
    ),
  },
  { $id: 'Delivery' },
);

export const PostView = Type.Object(
  {
    id: Type.String(),
    status: Type.Union(['scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled'].map((s) => Type.Literal(s))),
    scheduled_at: Type.String({ format: 'date-time' }),
    timezone: Type.Union([Type.String(), Type.Null()]),
    request: Json,
    campaign_id: Type.Union([Type.String(), Type.Null()], { description: 'The campaign the post belongs to' }),
    deleted_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the post was deleted (then shown only to a request replayed with its Idempotency-Key, and by DELETE)',
    }),
    deliveries: Type.Array(DeliveryView),
    warnings: Type.Optional(Type.Array(Issue)),
    link_check: Type.Optional(
      Type.Object(
        {
          checked_at: Type.String({ format: 'date-time' }),
          links: Type.Array(
            Type.Object({
              field: Type.String(),
              url: Type.String(),
              ok: Type.Boolean(),
              status: Type.Integer(),
              final_url: Type.String(),
              redirects: Type.Integer(),
              warnings: Type.Array(Type.String()),
            }),
          ),
        },
        { description: 'The destination links checked again shortly before the post is due' },
      ),
    ),
    media_check: Type.Optional(
      Type.Object(
        {
          checked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
            description: 'When the media was last fetched and decoded; null until the first check has finished',
          }),
          next_check_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
            description: 'When it is checked next (soon after the post is made or changed, then 24 h before it is due); null when not again',
          }),
          problems: Type.Array(Type.Object({ field: Type.String(), message: Type.String(), platforms: Type.Array(Type.String()) })),
        },
        {
          description:
            'Posts naming media URLs: the background media preflight. A problem sets the named platforms’ deliveries aside as needs_attention (kind media); PATCH the media to schedule them again',
        },
      ),
    ),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Post' },
);

export const ValidationView = Type.Object({
  valid: Type.Boolean(),
  scheduled_at: Type.String({ format: 'date-time' }),
  deliveries: Type.Array(
    Type.Object({
      platform: Type.String(),
      account_id: Type.String(),
      account: Type.String(),
      scheduled_at: Type.String({
        format: 'date-time',
        description: 'When this delivery goes (later than the post’s time for the second board onwards, with interval)',
      }),
      payload: Type.Unknown({ description: 'Exactly what the platform will receive' }),
      warnings: Type.Array(Issue),
      adaptations: Type.Array(Type.Object({ kind: Type.String(), field: Type.String(), message: Type.String() }), {
        description: 'What Pinion changed so the post fits this platform',
      }),
    }),
  ),
  errors: Type.Array(Issue),
  warnings: Type.Array(Issue),
  season: Type.Optional(
    Type.Object({ event: Type.String(), event_date: Type.String(), lead_days: Type.Integer(), publish_by: Type.String({ format: 'date-time' }) }),
  ),
  queued: Type.Optional(Type.Boolean({ description: 'The post takes the account’s next free queue slot (scheduled_at)' })),
});

export function postView(post: Post, warnings?: PostPlan['warnings'], readings?: MetricsReading[]): Static<typeof PostView> {
  const metricsOf = (deliveryId: string) => {
    const mine = (readings ?? []).filter((r) => r.deliveryId === deliveryId);
    return mine.length
      ? { latest: mine.at(-1)!.metrics, readings: mine.map((r) => ({ checkpoint: r.checkpoint, read_at: isoTime(r.readAt), metrics: r.metrics })) }
      : undefined;
  };
  return {
    id: post.id,
    status: post.status,
    scheduled_at: isoTime(post.scheduledAt),
    timezone: post.timezone,
    request: post.request as Record<string, unknown>,
    campaign_id: post.campaignId,
    deleted_at: post.deletedAt === null ? null : isoTime(post.deletedAt),
    deliveries: post.deliveries.map((d) => ({
      id: d.id,
      platform: d.platform,
      account_id: d.account_id,
      status: d.status,
      scheduled_at: isoTime(d.scheduled_at),
      next_attempt_at: d.status === 'scheduled' || d.status === 'awaiting_check' ? isoTime(d.run_at) : null,
      check_until: d.status === 'awaiting_check' && d.check_until !== null ? isoTime(d.check_until) : null,
      attempts: d.attempts,
      published_at: d.published_at === null ? null : isoTime(d.published_at),
      external_id: d.external_id,
      url: d.external_url,
      adopted: d.adopted === 1,
      last_error: d.last_error === null ? null : { kind: d.last_error_kind ?? 'unknown', message: d.last_error },
      duplicates: d.duplicates === null ? [] : (JSON.parse(d.duplicates) as Array<{ external_id: string; url: string; removed: boolean }>),
      warning: d.warning,
      retries: d.retries,
      retried_at: d.retried_at === null ? null : isoTime(d.retried_at),
      retried_by: d.retried_by,
      unpublished_at: d.unpublished_at === null ? null : isoTime(d.unpublished_at),
      payload: JSON.parse(d.payload) as unknown,
      ...(metricsOf(d.id) ? { metrics: metricsOf(d.id) } : {}),
    })),
    ...(warnings ? { warnings } : {}),
    ...(post.linkCheck ? { link_check: { checked_at: isoTime(post.linkCheck.checkedAt), links: post.linkCheck.links } } : {}),
    ...(postMediaUrls(post.request).length
      ? {
          media_check: {
            checked_at: post.mediaCheck.checkedAt === null ? null : isoTime(post.mediaCheck.checkedAt),
            // 0 is "as soon as a worker can": shown as the time the post was last changed.
            next_check_at: post.mediaCheck.nextAt === null ? null : isoTime(Math.max(post.mediaCheck.nextAt, post.updatedAt)),
            problems: post.mediaCheck.problems,
          },
        }
      : {}),
    created_at: isoTime(post.createdAt),
    updated_at: isoTime(post.updatedAt),
  };
}

export function validationView(plan: PostPlan): Static<typeof ValidationView> {
  return {
    valid: plan.errors.length === 0,
    scheduled_at: isoTime(plan.scheduledAt),
    deliveries: plan.deliveries.map((d) => ({
      platform: d.platform,
      account_id: d.account.id,
      account: d.account.username,
      scheduled_at: isoTime(plan.scheduledAt + d.offsetMs),
      payload: d.payload,
      warnings: d.warnings,
      adaptations: d.adaptations,
    })),
    ...(plan.season
      ? {
          season: {
            event: plan.season.eventName,
            event_date: plan.season.eventDate,
            lead_days: plan.season.leadDays,
            publish_by: isoTime(plan.season.publishBy),
          },
        }
      : {}),
    ...(plan.queued ? { queued: true } : {}),
    errors: plan.errors,
    warnings: plan.warnings,
  };
}
