import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { deletePost, retryFailedPosts, retryPost } from '../../posts/index.js';
import { PLATFORM_IDS } from '../../connectors/index.js';
import type { ApiContext } from '../context.js';
import { invalid } from '../problem.js';
import { IdParams } from '../schemas.js';
import { PostView, postView } from './post-view.js';
import { answering, callerOf } from './posts-errors.js';

const Platforms = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, maxItems: 20, uniqueItems: true });
const At = (description: string) => Type.Optional(Type.String({ format: 'date-time', description }));

const RetryBody = Type.Object(
  {
    delivery_ids: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        minItems: 1,
        maxItems: 100,
        uniqueItems: true,
        description: 'Only these deliveries; each must have failed (409 otherwise, nothing retried)',
      }),
    ),
    platforms: Type.Optional({ ...Platforms, description: 'Only the failed deliveries to these platforms' }),
    scheduled_at: At('When to publish them again (with an offset); now when absent'),
  },
  { additionalProperties: false },
);
const RetryAnswer = Type.Object({ post: PostView, retried: Type.Array(Type.String(), { description: 'The deliveries sent back to the queue' }) });

const RetryFailedBody = Type.Object(
  {
    platform: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    account_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    campaign_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    failed_since: At('Deliveries that failed at or after this time'),
    failed_until: At('Deliveries that failed before this time'),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'At most this many posts, those that failed first first' })),
    dry_run: Type.Optional(Type.Boolean({ description: 'Answer what would be retried; change nothing' })),
    scheduled_at: At('When to publish them again (with an offset); now when absent'),
  },
  { additionalProperties: false },
);
const RetryFailedAnswer = Type.Object({
  dry_run: Type.Boolean(),
  posts: Type.Integer({ description: 'How many posts had deliveries retried (or would have)' }),
  deliveries: Type.Integer(),
  post_ids: Type.Array(Type.String()),
  delivery_ids: Type.Array(Type.String()),
});

const DeleteQuery = Type.Object(
  {
    unpublish: Type.Optional(
      Type.Boolean({ default: false, description: 'Also delete the published posts from their platforms, where the platform’s API allows it' }),
    ),
  },
  { additionalProperties: false },
);
const DeleteAnswer = Type.Object({
  post: PostView,
  deliveries: Type.Array(
    Type.Object({
      delivery_id: Type.String(),
      platform: Type.String(),
      account_id: Type.String(),
      result: Type.Union(
        ['cancelled', 'kept', 'unpublished', 'already_unpublished', 'not_supported', 'unpublish_failed', 'unchanged'].map((s) => Type.Literal(s)),
        {
          description:
            'cancelled: had not started. kept: published, stays on the platform. unpublished: deleted from the platform now. not_supported: the platform offers no way to delete it through its API. unpublish_failed: the platform did not delete it (send the DELETE again). unchanged: failed or cancelled before',
        },
      ),
      message: Type.String(),
    }),
  ),
});

/** A time from a body field, checked as the schema says (date-time has an offset), or a 422. */
const timeOf = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));

export async function postActionRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['posts'];

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RetryBody> | undefined }>(
    '/posts/:id/retry',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Publish a post’s failed deliveries again',
        description:
          'Sends the post’s `failed` deliveries (or those named) back to the queue, due at `scheduled_at` or now, with a fresh count of attempts; who asked and when is recorded on each (`retries`, `retried_at`, `retried_by`). Never a delivery that may already be on the platform (`awaiting_check`, `needs_attention`), nor a published, cancelled or waiting one: 409 saying which and why, nothing retried.',
        params: IdParams,
        body: RetryBody,
        response: { 200: RetryAnswer },
      },
      // The body is optional: a bare POST retries every failed delivery now.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const body = request.body ?? {};
      const { post, retried } = await answering(
        retryPost(callerOf(ctx, request), request.params.id, { deliveryIds: body.delivery_ids, platforms: body.platforms, at: timeOf(body.scheduled_at) }),
      );
      ctx.onDeliveriesChanged?.();
      return { post: postView(post), retried };
    },
  );

  app.post<{ Body: Static<typeof RetryFailedBody> | undefined }>(
    '/posts::retry-failed',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Publish the failed deliveries of many posts again',
        description:
          'The failed deliveries matching every filter given (platform, account, campaign, when they failed), of up to `limit` posts (not deleted), those that failed first first, go back to the queue as POST /posts/{id}/retry sends them. `dry_run` answers the same without changing anything.',
        body: RetryFailedBody,
        response: { 200: RetryFailedAnswer },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const b = request.body ?? {};
      if (b.platform !== undefined && !PLATFORM_IDS.includes(b.platform))
        throw invalid([{ field: 'platform', message: `is not a platform of this Pinion (known: ${PLATFORM_IDS.join(', ')})` }]);
      const [since, until] = [timeOf(b.failed_since), timeOf(b.failed_until)];
      if (since !== undefined && until !== undefined && until <= since) throw invalid([{ field: 'failed_until', message: 'must be after failed_since' }]);
      const r = await retryFailedPosts(callerOf(ctx, request), {
        platform: b.platform,
        accountId: b.account_id,
        campaignId: b.campaign_id,
        failedSince: since,
        failedUntil: until,
        limit: b.limit ?? 100,
        dryRun: b.dry_run,
        at: timeOf(b.scheduled_at),
      });
      if (!r.dryRun && r.deliveryIds.length) ctx.onDeliveriesChanged?.();
      return { dry_run: r.dryRun, posts: r.postIds.length, deliveries: r.deliveryIds.length, post_ids: r.postIds, delivery_ids: r.deliveryIds };
    },
  );

  app.delete<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DeleteQuery> }>(
    '/posts/:id',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Delete a post: cancel what has not started, take it out of listings; with unpublish=true, delete it from the platforms too',
        description:
          'A soft delete: the post leaves listings and lookups (404 afterwards), its deliveries keep their history, and its Idempotency-Key stays used. Refused (409, with retry_at) while a delivery is being published or its outcome checked, as cancel is. Published posts stay on their platforms unless `unpublish=true`: then each is deleted where the platform’s API allows it; each delivery’s result is in the answer, and a platform that cannot delete does not fail the call. Sending it again retries removals that failed.',
        params: IdParams,
        querystring: DeleteQuery,
        response: { 200: DeleteAnswer },
      },
    },
    async (request) => {
      const { post, deliveries } = await answering(deletePost(callerOf(ctx, request), request.params.id, { unpublish: request.query.unpublish }));
      return {
        post: postView(post),
        deliveries: deliveries.map((d) => ({ delivery_id: d.deliveryId, platform: d.platform, account_id: d.accountId, result: d.result, message: d.message })),
      };
    },
  );
}
