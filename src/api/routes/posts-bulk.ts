import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { columnOf, createPosts, CSV_COLUMNS, memoised, parsePostsCsv, PostConflict, PostRequestSchema, type NewPost, type PostRequest } from '../../posts/index.js';
import { inParallel } from '../../shared/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { prepare } from './posts.js';
import { PostView, postView } from './post-view.js';

export const BULK_MAX = 500;
const BULK_BODY_LIMIT = 10 * 1024 * 1024;
const PLAN_CONCURRENCY = 16;

const BulkBody = Type.Object({ posts: Type.Array(PostRequestSchema, { minItems: 1, maxItems: BULK_MAX }) }, { additionalProperties: false });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Makes the batch safe to send again: post n is stored under "<key>#n", and sending it again returns the post made then' }),
  ),
});
const BulkAnswer = Type.Object({ data: Type.Array(PostView), warnings: Type.Array(Type.Object({ index: Type.Integer(), field: Type.String(), message: Type.String() })) });

/**
 * Plans every post, then stores all of them in one transaction, or none when any is invalid:
 * a half-imported batch is worse than a rejected one that names each bad row.
 */
async function scheduleAll(
  ctx: ApiContext,
  workspaceId: string,
  requests: Array<{ request: PostRequest; label: (field: string) => { field: string; line?: number; index?: number } }>,
  idempotencyKey: string | undefined,
  reply: FastifyReply,
) {
  const errors: Array<{ field: string; message: string; line?: number; index?: number }> = [];
  const warnings: Array<{ field: string; message: string; index: number }> = [];
  const inputs: NewPost[] = [];
  // Planning fetches image URLs: several posts at a time, so a slow image host does not serialise
  // 500 posts, and each URL once, however many rows name it.
  const checkUrl = memoised(ctx.posts.checkUrl);
  const prepared: Array<Awaited<ReturnType<typeof prepare>>> = new Array(requests.length);
  await inParallel(requests, PLAN_CONCURRENCY, async ({ request }, i) => {
    prepared[i] = await prepare(ctx, workspaceId, request, { checkUrl });
  });
  for (const [index, { label }] of requests.entries()) {
    const { request, plan } = prepared[index]!;
    errors.push(...plan.errors.map((e) => ({ ...label(e.field), message: e.message })));
    warnings.push(...plan.warnings.map((w) => ({ index, field: w.field, message: w.message })));
    const keyed = idempotencyKey ? { idempotencyKey: `${idempotencyKey}#${index}`, requestHash: createHash('sha256').update(JSON.stringify(requests[index]!.request)).digest('hex') } : {};
    inputs.push({ workspaceId, request, plan, ...keyed });
  }
  if (errors.length) throw new HttpProblem(422, 'validation', `${new Set(errors.map((e) => e.line ?? e.index)).size} of ${requests.length} posts are invalid; none was stored`, errors);
  let stored;
  try {
    stored = await createPosts(ctx.store.db, inputs);
  } catch (err) {
    if (err instanceof PostConflict) {
      // The post as a whole: `posts.<n>` in a batch, the row (its line) in a CSV.
      const where = err.index === undefined ? { field: '(post)' } : requests[err.index]!.label('*');
      const field = where.field.replace(/\.?\*$/, '') || '(row)';
      throw new HttpProblem(409, 'idempotency-conflict', 'This Idempotency-Key was already used with different posts; none was stored', [{ ...where, field, message: 'differs from the post first sent with this key' }]);
    }
    throw err;
  }
  const { posts, replayed } = stored;
  const allReplayed = replayed.every(Boolean);
  if (allReplayed) reply.header('idempotent-replayed', 'true');
  else ctx.onDeliveriesChanged?.();
  return reply.code(allReplayed ? 200 : 201).send({ data: posts.map((p) => postView(p)), warnings: allReplayed ? [] : warnings });
}

export async function bulkPostRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['posts'];
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: BULK_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post<{ Body: Static<typeof BulkBody>; Headers: Static<typeof IdempotencyHeaders> }>(
    '/posts::bulk',
    {
      config: { scope: 'posts:write' },
      bodyLimit: BULK_BODY_LIMIT,
      schema: { tags, summary: `Schedule up to ${BULK_MAX} posts at once: all or none`, headers: IdempotencyHeaders, body: BulkBody, response: { 200: BulkAnswer, 201: BulkAnswer } },
    },
    async (request, reply) => {
      const items = request.body.posts.map((req, i) => ({ request: req, label: (field: string) => ({ field: `posts.${i}.${field}`, index: i }) }));
      return scheduleAll(ctx, request.caller.workspaceId, items, request.headers['idempotency-key'], reply);
    },
  );

  app.post<{ Body: string; Headers: Static<typeof IdempotencyHeaders> }>(
    '/posts::import',
    {
      config: { scope: 'posts:write' },
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags,
        summary: `Import posts from CSV (text/csv, header row, up to ${BULK_MAX} rows): all or none; errors name the line and column`,
        description: `Columns: ${CSV_COLUMNS.join(', ')}; \`<platform>.<option>\` reaches any platform option.`,
        consumes: ['text/csv'],
        headers: IdempotencyHeaders,
        response: { 200: BulkAnswer, 201: BulkAnswer },
      },
    },
    async (request, reply) => {
      if (typeof request.body !== 'string') throw new HttpProblem(415, 'unsupported-media-type', 'Send the CSV as text/csv');
      const { rows, errors } = parsePostsCsv(request.body, BULK_MAX);
      if (errors.length) throw new HttpProblem(422, 'validation', 'The CSV has invalid rows; none was stored', errors);
      if (!rows.length) throw new HttpProblem(422, 'validation', 'The CSV has no rows', [{ field: '(csv)', message: 'has a header but no posts' }]);
      const items = rows.map((r) => ({ request: r.request, label: (field: string) => ({ field: columnOf(field), line: r.line }) }));
      return scheduleAll(ctx, request.caller.workspaceId, items, request.headers['idempotency-key'], reply);
    },
  );
}
