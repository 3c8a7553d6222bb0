import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { columnOf, createPosts, CSV_COLUMNS, findDuplicatesMany, memoised, parsePostsCsv, PostConflict, PostRequestSchema, spreadPosts, SpreadSchema, type NewPost, type PostRequest, type Spread } from '../../posts/index.js';
import { inParallel } from '../../shared/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { prepare } from './posts.js';
import { PostView, postView } from './post-view.js';

export const BULK_MAX = 500;
const BULK_BODY_LIMIT = 10 * 1024 * 1024;
const PLAN_CONCURRENCY = 16;

const BulkBody = Type.Object({ posts: Type.Array(PostRequestSchema, { minItems: 1, maxItems: BULK_MAX }), spread: Type.Optional(SpreadSchema) }, { additionalProperties: false });
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Makes the batch safe to send again: post n is stored under "<key>#n", and sending it again returns the post made then' }),
  ),
});
const ImportQuery = Type.Object(
  {
    spread_start: Type.Optional(Type.String({ minLength: 1, description: 'Spread the rows without scheduled_at from this time (see spread in POST /posts:bulk)' })),
    spread_every: Type.Optional(Type.String({ minLength: 2 })),
    spread_per_day: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    spread_time_window: Type.Optional(Type.String({ pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}$' })),
    spread_timezone: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** Gives the posts without a time their place in the drip; a bad spread is a 422 naming its fields. */
function dripped(requests: PostRequest[], spread: Spread | undefined, field: (name: string) => string): PostRequest[] {
  if (!spread) return requests;
  const { requests: out, errors } = spreadPosts(requests, spread);
  if (errors.length) throw new HttpProblem(422, 'validation', 'The spread is invalid; nothing was stored', errors.map((e) => ({ ...e, field: field(e.field.replace(/^spread\./, '')) })));
  return out;
}
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
  const queued = (r: PostRequest) => r.queue === true || r.scheduled_at === 'next_slot';
  // Duplicates are looked for once for the whole batch, below, not twice a post.
  await inParallel(requests, PLAN_CONCURRENCY, async ({ request }, i) => {
    if (!queued(request)) prepared[i] = await prepare(ctx, workspaceId, request, { checkUrl, checkDuplicates: false });
  });
  // Queued posts one after another, each told the slots the ones before it took: two rows never share a slot.
  const reserved = new Set<number>();
  for (const [i, { request }] of requests.entries()) {
    if (!queued(request)) continue;
    prepared[i] = await prepare(ctx, workspaceId, request, { checkUrl, reservedSlots: reserved, checkDuplicates: false });
    reserved.add(prepared[i]!.plan.scheduledAt);
  }
  const valid = prepared.filter((p) => !p.plan.errors.length);
  const duplicates = await findDuplicatesMany(ctx.store.db, valid.map((p) => ({ at: p.plan.scheduledAt, deliveries: p.plan.deliveries })));
  valid.forEach((p, i) => p.plan.warnings.push(...duplicates[i]!));
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
      const posts = dripped(request.body.posts as PostRequest[], request.body.spread, (name) => `spread.${name}`);
      const items = posts.map((req, i) => ({ request: req, label: (field: string) => ({ field: `posts.${i}.${field}`, index: i }) }));
      return scheduleAll(ctx, request.caller.workspaceId, items, request.headers['idempotency-key'], reply);
    },
  );

  app.post<{ Body: string; Headers: Static<typeof IdempotencyHeaders>; Querystring: Static<typeof ImportQuery> }>(
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
        querystring: ImportQuery,
        response: { 200: BulkAnswer, 201: BulkAnswer },
      },
    },
    async (request, reply) => {
      if (typeof request.body !== 'string') throw new HttpProblem(415, 'unsupported-media-type', 'Send the CSV as text/csv');
      const { rows, errors } = parsePostsCsv(request.body, BULK_MAX);
      if (errors.length) throw new HttpProblem(422, 'validation', 'The CSV has invalid rows; none was stored', errors);
      if (!rows.length) throw new HttpProblem(422, 'validation', 'The CSV has no rows', [{ field: '(csv)', message: 'has a header but no posts' }]);
      const q = request.query;
      const spread: Spread | undefined =
        q.spread_start === undefined
          ? undefined
          : { start: q.spread_start, every: q.spread_every, per_day: q.spread_per_day, time_window: q.spread_time_window, timezone: q.spread_timezone };
      const timed = dripped(rows.map((r) => r.request), spread, (name) => `spread_${name}`);
      const items = rows.map((r, i) => ({ request: timed[i]!, label: (field: string) => ({ field: columnOf(field), line: r.line }) }));
      return scheduleAll(ctx, request.caller.workspaceId, items, request.headers['idempotency-key'], reply);
    },
  );
}
