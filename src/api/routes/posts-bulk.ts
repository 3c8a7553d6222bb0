import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  columnOf,
  createPost,
  createPosts,
  CSV_COLUMNS,
  findDuplicatesMany,
  memoised,
  parsePostsCsv,
  PostConflict,
  PostRequestSchema,
  spreadPosts,
  SpreadSchema,
  type NewPost,
  type PostRequest,
  type Spread,
} from '../../posts/index.js';
import { inParallel } from '../../shared/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, ProblemSchema } from '../problem.js';
import { prepare } from './posts.js';
import { PostView, postView } from './post-view.js';

export const BULK_MAX = 500;
const BULK_BODY_LIMIT = 10 * 1024 * 1024;
const PLAN_CONCURRENCY = 16;

const Mode = Type.Union([Type.Literal('all_or_none'), Type.Literal('per_item')], {
  description: 'all_or_none (default): every post stored, or none when any is invalid. per_item: each post stored or refused on its own; `results` tells each',
});
type Mode = Static<typeof Mode>;
const BulkBody = Type.Object(
  { posts: Type.Array(PostRequestSchema, { minItems: 1, maxItems: BULK_MAX }), spread: Type.Optional(SpreadSchema), mode: Type.Optional(Mode) },
  { additionalProperties: false },
);
const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'Makes the batch safe to send again: post n is stored under "<key>#n", and sending it again returns the post made then',
    }),
  ),
});
const ImportQuery = Type.Object(
  {
    spread_start: Type.Optional(
      Type.String({ minLength: 1, description: 'Spread the rows without scheduled_at from this time (see spread in POST /posts:bulk)' }),
    ),
    spread_every: Type.Optional(Type.String({ minLength: 2 })),
    spread_per_day: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    spread_time_window: Type.Optional(Type.String({ pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}$' })),
    spread_timezone: Type.Optional(Type.String({ minLength: 1 })),
    mode: Type.Optional(Mode),
  },
  { additionalProperties: false },
);

/** Gives the posts without a time their place in the drip; a bad spread is a 422 naming its fields. */
function dripped(requests: PostRequest[], spread: Spread | undefined, field: (name: string) => string): PostRequest[] {
  if (!spread) return requests;
  const { requests: out, errors } = spreadPosts(requests, spread);
  if (errors.length)
    throw new HttpProblem(
      422,
      'validation',
      'The spread is invalid; nothing was stored',
      errors.map((e) => ({ ...e, field: field(e.field.replace(/^spread\./, '')) })),
    );
  return out;
}
const ItemResult = Type.Object({
  index: Type.Integer({ description: 'The post’s place in the request (from 0)' }),
  line: Type.Optional(Type.Integer({ description: 'The CSV line, in an import' })),
  status: Type.Union([Type.Literal('created'), Type.Literal('replayed'), Type.Literal('invalid'), Type.Literal('conflict')], {
    description:
      'created; replayed (its Idempotency-Key made it before); invalid (422, `problem` names each field); conflict (409: its Idempotency-Key was used with another post)',
  }),
  post: Type.Optional(Type.Ref(PostView)),
  problem: Type.Optional(Type.Ref(ProblemSchema)),
});
const BulkAnswer = Type.Object({
  data: Type.Array(PostView, { description: 'The posts stored (or replayed)' }),
  warnings: Type.Array(Type.Object({ index: Type.Integer(), field: Type.String(), message: Type.String() })),
  results: Type.Optional(Type.Array(ItemResult, { description: 'mode per_item: every post’s outcome, in request order' })),
});

type Item = { request: PostRequest; label: (field: string) => { field: string; line?: number; index?: number } };
type ItemError = { field: string; message: string; line?: number; index?: number };

/**
 * Plans every post: what each would store, its errors (named by its label) and warnings.
 * Planning fetches image URLs: several posts at a time, so a slow image host does not serialise
 * 500 posts, and each URL once, however many rows name it.
 */
async function planAll(ctx: ApiContext, workspaceId: string, requests: Item[], idempotencyKey: string | undefined) {
  const errors: ItemError[][] = [];
  const warnings: Array<{ field: string; message: string; index: number }> = [];
  const inputs: NewPost[] = [];
  const checkUrl = memoised(ctx.posts.checkUrl);
  const prepared: Array<Awaited<ReturnType<typeof prepare>>> = new Array(requests.length);
  const queued = (r: PostRequest) => r.queue === true || r.scheduled_at === 'next_slot';
  // Duplicates are looked for once for the whole batch, below, not twice a post.
  await inParallel(requests, PLAN_CONCURRENCY, async ({ request }, i) => {
    if (!queued(request)) prepared[i] = await prepare(ctx, workspaceId, request, { checkUrl, checkDuplicates: false, linksKnownOnly: true });
  });
  // Queued posts one after another, each told the slots the ones before it took: two rows never share a slot.
  const reserved = new Set<number>();
  for (const [i, { request }] of requests.entries()) {
    if (!queued(request)) continue;
    prepared[i] = await prepare(ctx, workspaceId, request, { checkUrl, reservedSlots: reserved, checkDuplicates: false, linksKnownOnly: true });
    reserved.add(prepared[i]!.plan.scheduledAt);
  }
  const valid = prepared.filter((p) => !p.plan.errors.length);
  const duplicates = await findDuplicatesMany(
    ctx.store.db,
    valid.map((p) => ({ at: p.plan.scheduledAt, deliveries: p.plan.deliveries })),
  );
  valid.forEach((p, i) => p.plan.warnings.push(...duplicates[i]!));
  for (const [index, { label }] of requests.entries()) {
    const { request, plan } = prepared[index]!;
    errors.push(plan.errors.map((e) => ({ ...label(e.field), message: e.message })));
    warnings.push(...plan.warnings.map((w) => ({ index, field: w.field, message: w.message })));
    const keyed = idempotencyKey
      ? { idempotencyKey: `${idempotencyKey}#${index}`, requestHash: createHash('sha256').update(JSON.stringify(requests[index]!.request)).digest('hex') }
      : {};
    inputs.push({ workspaceId, request, plan, ...keyed });
  }
  return { errors, warnings, inputs };
}

/**
 * Plans every post, then, `all_or_none`, stores all of them in one transaction, or none when any is
 * invalid: a half-imported batch is worse than a rejected one that names each bad row. `per_item`
 * stores each valid post on its own and tells each post's outcome.
 */
async function scheduleAll(
  ctx: ApiContext,
  workspaceId: string,
  requests: Item[],
  idempotencyKey: string | undefined,
  reply: FastifyReply,
  mode: Mode = 'all_or_none',
) {
  const planned = await planAll(ctx, workspaceId, requests, idempotencyKey);
  if (mode === 'per_item') return scheduleEach(ctx, requests, planned, reply);
  const { warnings, inputs } = planned;
  const errors = planned.errors.flat();
  if (errors.length)
    throw new HttpProblem(
      422,
      'validation',
      `${new Set(errors.map((e) => e.line ?? e.index)).size} of ${requests.length} posts are invalid; none was stored`,
      errors,
    );
  let stored;
  try {
    stored = await createPosts(ctx.store.db, inputs);
  } catch (err) {
    if (err instanceof PostConflict) {
      // The post as a whole: `posts.<n>` in a batch, the row (its line) in a CSV.
      const where = err.index === undefined ? { field: '(post)' } : requests[err.index]!.label('*');
      const field = where.field.replace(/\.?\*$/, '') || '(row)';
      throw new HttpProblem(409, 'idempotency-conflict', 'This Idempotency-Key was already used with different posts; none was stored', [
        { ...where, field, message: 'differs from the post first sent with this key' },
      ]);
    }
    throw err;
  }
  const { posts, replayed } = stored;
  const allReplayed = replayed.every(Boolean);
  if (allReplayed) reply.header('idempotent-replayed', 'true');
  else ctx.onDeliveriesChanged?.();
  return reply.code(allReplayed ? 200 : 201).send({ data: posts.map((p) => postView(p)), warnings: allReplayed ? [] : warnings });
}

/** Stores each valid post on its own (its Idempotency-Key `<key>#n` as in a batch); the answer tells each post's outcome. */
async function scheduleEach(ctx: ApiContext, requests: Item[], planned: Awaited<ReturnType<typeof planAll>>, reply: FastifyReply) {
  const results: Array<Static<typeof ItemResult>> = [];
  let created = 0;
  for (const [index, input] of planned.inputs.entries()) {
    const where = { index, ...(requests[index]!.label('*').line !== undefined && { line: requests[index]!.label('*').line }) };
    const errors = planned.errors[index]!;
    if (errors.length) {
      const problem = new HttpProblem(
        422,
        'validation',
        'This post is invalid; it was not stored',
        errors.map(({ field, message }) => ({ field, message })),
      );
      results.push({ ...where, status: 'invalid', problem: problem.toProblem() });
      continue;
    }
    try {
      const { post, replayed } = await createPost(ctx.store.db, input);
      if (!replayed) created++;
      results.push({ ...where, status: replayed ? 'replayed' : 'created', post: postView(post, replayed ? undefined : input.plan.warnings) });
    } catch (err) {
      if (!(err instanceof PostConflict)) throw err;
      results.push({
        ...where,
        status: 'conflict',
        problem: new HttpProblem(409, 'idempotency-conflict', `${err.message}; this post was not stored`).toProblem(),
      });
    }
  }
  if (created) ctx.onDeliveriesChanged?.();
  else if (results.every((r) => r.status === 'replayed')) reply.header('idempotent-replayed', 'true');
  const stored = results.flatMap((r) => (r.post ? [r.post] : []));
  const warnings = planned.warnings.filter((w) => results[w.index]?.status === 'created');
  return reply.code(created ? 201 : 200).send({ data: stored, warnings, results });
}

export async function bulkPostRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['posts'];
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: BULK_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post<{ Body: Static<typeof BulkBody>; Headers: Static<typeof IdempotencyHeaders> }>(
    '/posts::bulk',
    {
      config: { scope: 'posts:write' },
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags,
        summary: `Schedule up to ${BULK_MAX} posts at once: all or none, or each on its own (mode)`,
        description:
          '`mode: "all_or_none"` (the default): 201 with every post, or 422 naming each bad field of each post and storing none. `mode: "per_item"`: each valid post is stored on its own; 201 when any was stored (200 when none was: all replayed or refused), `results` telling each post’s outcome with its index and the post or a problem. With `Idempotency-Key`, post n is stored under "<key>#n" in either mode: sending the batch again replays the posts made then (and, per item, tries the refused ones again).',
        headers: IdempotencyHeaders,
        body: BulkBody,
        response: { 200: BulkAnswer, 201: BulkAnswer },
      },
    },
    async (request, reply) => {
      const posts = dripped(request.body.posts as PostRequest[], request.body.spread, (name) => `spread.${name}`);
      const items = posts.map((req, i) => ({ request: req, label: (field: string) => ({ field: `posts.${i}.${field}`, index: i }) }));
      return scheduleAll(ctx, request.caller.workspaceId, items, request.headers['idempotency-key'], reply, request.body.mode);
    },
  );

  app.post<{ Body: string; Headers: Static<typeof IdempotencyHeaders>; Querystring: Static<typeof ImportQuery> }>(
    '/posts::import',
    {
      config: { scope: 'posts:write' },
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags,
        summary: `Import posts from CSV (text/csv, header row, up to ${BULK_MAX} rows): all or none, or each row on its own (mode=per_item); errors name the line and column`,
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
      const timed = dripped(
        rows.map((r) => r.request),
        spread,
        (name) => `spread_${name}`,
      );
      const items = rows.map((r, i) => ({ request: timed[i]!, label: (field: string) => ({ field: columnOf(field), line: r.line }) }));
      return scheduleAll(ctx, request.caller.workspaceId, items, request.headers['idempotency-key'], reply, q.mode);
    },
  );
}
