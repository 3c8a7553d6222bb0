import type { Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { PLATFORM_IDS } from '../../connectors/index.js';
import { decodePostCursor, encodePostCursor, listPosts, POST_SORTS, type PostFilter, type TimeRange } from '../../posts/index.js';
import { HttpProblem, type FieldError } from '../problem.js';
import { ListOf } from '../schemas.js';
import type { Database } from '../../store/index.js';
import { PostView, postView } from './post-view.js';

const PostStatus = Type.Union(['scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled'].map((s) => Type.Literal(s)));
const Time = (description: string) => Type.Optional(Type.String({ format: 'date-time', description }));
const Id = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 100, description }));

export const ListQuery = Type.Object(
  {
    status: Type.Optional(PostStatus),
    platform: Type.Optional(Type.String({ description: 'Posts with a delivery to this platform' })),
    account_id: Id('Posts with a delivery to this account'),
    campaign_id: Id('Posts of this campaign'),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Text, title or link contains this (case-insensitive)' })),
    sort: Type.Optional(
      Type.Union(
        POST_SORTS.map((s) => Type.Literal(s)),
        { description: 'Order by (default scheduled_at); posts not published yet come last when sorting by published_at' },
      ),
    ),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'asc (default) or desc' })),
    from: Time('Due at or after (same as scheduled_from)'),
    to: Time('Due before (same as scheduled_to)'),
    scheduled_from: Time('Due at or after'),
    scheduled_to: Time('Due before'),
    created_from: Time('Made at or after'),
    created_to: Time('Made before'),
    published_from: Time('First delivery published at or after'),
    published_to: Time('First delivery published before'),
    cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page, with the same sort and order' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
type Query = Static<typeof ListQuery>;

/** A range from two query fields; `to` must come after `from`. Times arrive with an offset (date-time), so parsing them is zone-free. */
function rangeOf(q: Query, from: keyof Query, to: keyof Query, errors: FieldError[]): TimeRange | undefined {
  const [a, b] = [q[from], q[to]].map((v) => (typeof v === 'string' ? Date.parse(v) : undefined));
  if (a === undefined && b === undefined) return undefined;
  if (a !== undefined && b !== undefined && b <= a) errors.push({ field: to, message: `must be after ${from}` });
  return { from: a, to: b };
}

/** The filter a query asks for, or a 400 naming each bad field. */
export function filterOf(q: Query): PostFilter {
  const errors: FieldError[] = [];
  if (q.platform !== undefined && !PLATFORM_IDS.includes(q.platform))
    errors.push({ field: 'platform', message: `is not a platform of this Pinion (known: ${PLATFORM_IDS.join(', ')})` });
  for (const [alias, field] of [
    ['from', 'scheduled_from'],
    ['to', 'scheduled_to'],
  ] as const) {
    if (q[alias] !== undefined && q[field] !== undefined) errors.push({ field: alias, message: `is the same as ${field}: send one of them` });
  }
  const scheduled = rangeOf(
    { ...q, scheduled_from: q.scheduled_from ?? q.from, scheduled_to: q.scheduled_to ?? q.to },
    'scheduled_from',
    'scheduled_to',
    errors,
  );
  const created = rangeOf(q, 'created_from', 'created_to', errors);
  const published = rangeOf(q, 'published_from', 'published_to', errors);
  const sort = q.sort ?? 'scheduled_at';
  const order = q.order ?? 'asc';
  const cursor = q.cursor === undefined ? undefined : decodePostCursor(q.cursor);
  if (q.cursor !== undefined && !cursor) errors.push({ field: 'cursor', message: 'is not a cursor this API returned' });
  else if (cursor && (cursor.sort !== sort || cursor.order !== order)) {
    errors.push({ field: 'cursor', message: `was made for sort=${cursor.sort}&order=${cursor.order}: send those with it, or start again without a cursor` });
  }
  if (errors.length)
    throw new HttpProblem(400, 'validation', errors.some((e) => e.field === 'cursor') && errors.length === 1 ? 'Invalid cursor' : 'Invalid query', errors);
  return {
    status: q.status as PostFilter['status'],
    platform: q.platform,
    accountId: q.account_id,
    campaignId: q.campaign_id,
    search: q.q,
    scheduled,
    created,
    published,
    sort,
    order,
    cursor,
    limit: q.limit ?? 50,
  };
}

export function listRoute(app: FastifyInstance, db: Kysely<Database>): void {
  app.get<{ Querystring: Query }>(
    '/posts',
    {
      config: { scope: 'posts:read' },
      schema: {
        tags: ['posts'],
        summary: 'List posts (not deleted): filter, search and sort, a page at a time',
        description:
          'Filters combine (all must hold). `q` searches the text, titles and links. Sort by `scheduled_at` (default), `created_at` or `published_at` (when the first delivery went out), `asc` or `desc`; ties by id, so pages never skip or repeat. Pass `next_cursor` back as `cursor` with the same sort and order.',
        querystring: ListQuery,
        response: { 200: ListOf(PostView) },
      },
    },
    async (request) => {
      const { posts, next } = await listPosts(db, request.caller.workspaceId, filterOf(request.query));
      return { data: posts.map((p) => postView(p)), next_cursor: next ? encodePostCursor(next) : null };
    },
  );
}
