import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  cancelPost,
  createPost,
  getPost,
  moveToCampaign,
  PostConflict,
  PostRequestSchema,
  preparePost,
  updatePost,
  type PostRequest,
  type UrlCheck,
} from '../../posts/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, invalid, notFound } from '../problem.js';
import { IdParams } from '../schemas.js';
import { connectorProblem } from './connector-problem.js';
import { PostView, ValidationView, postView, validationView } from './post-view.js';
import { readingsOf } from '../../analytics/index.js';
import { listRoute } from './posts-list.js';
import { answering, busyProblem, callerOf } from './posts-errors.js';

const UpdateBody = Type.Partial(Type.Omit(PostRequestSchema, []), { additionalProperties: false });
const IdempotencyHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });

/** Plans a request for the caller's workspace; platform outages become problems. */
export async function prepare(
  ctx: ApiContext,
  workspaceId: string,
  request: PostRequest,
  opts: { dryRun?: boolean; checkUrl?: UrlCheck; postId?: string; reservedSlots?: Set<number>; checkDuplicates?: boolean; linksKnownOnly?: boolean } = {},
) {
  try {
    return await preparePost(ctx.posts, workspaceId, request, opts);
  } catch (err) {
    throw connectorProblem(err);
  }
}

const rejectIfInvalid = (plan: Awaited<ReturnType<typeof prepare>>['plan']) => {
  if (plan.errors.length) {
    const problem = invalid(plan.errors, 'The post cannot be scheduled as it is');
    return new HttpProblem(problem.status, problem.slug, problem.message, problem.errors, { warnings: plan.warnings });
  }
  return undefined;
};

export async function postRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const db = ctx.store.db;
  const tags = ['posts'];

  app.post<{ Body: PostRequest; Headers: Static<typeof IdempotencyHeaders> }>(
    '/posts',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Schedule a post (omit scheduled_at to publish as soon as possible)',
        description: 'Send `Idempotency-Key` to make retries safe: the same key and body return the same post; the same key with another body is 409.',
        headers: IdempotencyHeaders,
        body: PostRequestSchema,
        response: { 200: PostView, 201: PostView },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const { request: body, plan } = await prepare(ctx, request.caller.workspaceId, request.body);
      const bad = rejectIfInvalid(plan);
      if (bad) throw bad;
      try {
        const requestHash = key ? createHash('sha256').update(JSON.stringify(request.body)).digest('hex') : undefined;
        const { post, replayed } = await createPost(db, { workspaceId: request.caller.workspaceId, request: body, plan, idempotencyKey: key, requestHash });
        if (replayed) reply.header('idempotent-replayed', 'true');
        else ctx.onDeliveriesChanged?.();
        return reply.code(replayed ? 200 : 201).send(postView(post, replayed ? undefined : plan.warnings));
      } catch (err) {
        if (err instanceof PostConflict) throw new HttpProblem(409, 'idempotency-conflict', err.message);
        throw err;
      }
    },
  );

  app.post<{ Body: PostRequest }>(
    '/posts::validate',
    {
      config: { scope: 'posts:read' },
      schema: {
        tags,
        summary: 'Dry run: check a post and show exactly what each platform would receive, with every warning; stores nothing',
        body: PostRequestSchema,
        response: { 200: ValidationView },
      },
    },
    async (request) => validationView((await prepare(ctx, request.caller.workspaceId, request.body, { dryRun: true })).plan),
  );

  listRoute(app, db);

  app.get<{ Params: Static<typeof IdParams> }>(
    '/posts/:id',
    { config: { scope: 'posts:read' }, schema: { tags, summary: 'Get a post with each delivery’s state', params: IdParams, response: { 200: PostView } } },
    async (request) => {
      const post = await getPost(db, request.caller.workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      return postView(
        post,
        undefined,
        await readingsOf(
          db,
          post.deliveries.map((d) => d.id),
        ),
      );
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Partial<PostRequest> }>(
    '/posts/:id',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary:
          'Change a post while none of its deliveries has started publishing (409 with retry_at while one is publishing or its outcome is being checked); fields given replace the stored ones. A body of only campaign_id moves the post to that campaign (null: none) in any state',
        params: IdParams,
        body: UpdateBody,
        response: { 200: PostView },
      },
    },
    async (request) => {
      if (Object.keys(request.body).length === 1 && request.body.campaign_id !== undefined) {
        // Only the campaign: bookkeeping, nothing a platform receives, so allowed whatever the post's state.
        await answering(moveToCampaign(callerOf(ctx, request), request.params.id, request.body.campaign_id));
        return postView((await getPost(db, request.caller.workspaceId, request.params.id))!);
      }
      const existing = await getPost(db, request.caller.workspaceId, request.params.id);
      if (!existing) throw notFound('Post');
      const { request: merged, plan } = await prepare(ctx, request.caller.workspaceId, { ...existing.request, ...request.body } as PostRequest, {
        postId: existing.id,
      });
      const bad = rejectIfInvalid(plan);
      if (bad) throw bad;
      try {
        const post = await updatePost(db, request.caller.workspaceId, existing.id, merged, plan);
        ctx.onDeliveriesChanged?.();
        return postView(post, plan.warnings);
      } catch (err) {
        if (err instanceof PostConflict) throw busyProblem(err);
        throw err;
      }
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/posts/:id/cancel',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Cancel every delivery that has not started publishing; refused (409, with retry_at) while one is publishing or its outcome is being checked',
        params: IdParams,
        response: { 200: PostView },
      },
    },
    async (request) => {
      const existing = await getPost(db, request.caller.workspaceId, request.params.id);
      if (!existing) throw notFound('Post');
      const { post, cancelled } = await cancelPost(db, request.caller.workspaceId, existing.id).catch((err: unknown) => {
        throw err instanceof PostConflict ? busyProblem(err) : err;
      });
      if (!cancelled && post.status !== 'cancelled')
        throw new HttpProblem(409, 'already-publishing', 'Nothing left to cancel: every delivery has started publishing or finished');
      return postView(post);
    },
  );
}
