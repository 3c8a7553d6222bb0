import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../store/index.js';
import type { PostStatus } from '../store/schema.js';
import { snapshot, toPost, type Post } from './posts.js';

export const POST_SORTS = ['scheduled_at', 'created_at', 'published_at'] as const;
export type PostSort = (typeof POST_SORTS)[number];
export type SortOrder = 'asc' | 'desc';
/** Epoch ms, `from` included, `to` excluded. */
export interface TimeRange {
  from?: number;
  to?: number;
}
/** Where the previous page ended, in the order it was listed in. */
export interface PostCursor {
  sort: PostSort;
  order: SortOrder;
  value: number;
  id: string;
}

export interface PostFilter {
  status?: PostStatus;
  platform?: string;
  accountId?: string;
  campaignId?: string;
  /** Text, title or link contains this (case-insensitive). */
  search?: string;
  scheduled?: TimeRange;
  created?: TimeRange;
  /** When the post's first delivery went out. */
  published?: TimeRange;
  sort?: PostSort;
  order?: SortOrder;
  cursor?: PostCursor;
  limit: number;
}

const ID = /^[a-z]+_[0-9a-z]{26}$/;
/** Cursors are opaque to callers: the sort they were made for, the last row's sort value and id. */
export const encodePostCursor = (c: PostCursor): string => Buffer.from(JSON.stringify([c.sort, c.order, c.value, c.id])).toString('base64url');

/**
 * Only the exact shape encodePostCursor makes reaches the query (1.5 or 1e400 would make PostgreSQL
 * fail). Cursors of earlier versions, `[scheduledAt, id]`, page on in due order. Undefined when it is not a cursor.
 */
export function decodePostCursor(s: string): PostCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(s, 'base64url').toString());
    if (!Array.isArray(value)) return undefined;
    const [sort, order, at, id] = value.length === 2 ? ['scheduled_at', 'asc', ...value] : (value as unknown[]);
    if (!POST_SORTS.includes(sort as PostSort) || (order !== 'asc' && order !== 'desc')) return undefined;
    if (!Number.isSafeInteger(at) || typeof id !== 'string' || !ID.test(id)) return undefined;
    return { sort: sort as PostSort, order, value: at as number, id };
  } catch {
    return undefined;
  }
}

/**
 * The value a post sorts by. A post not published yet sorts by a stand-in past every real time in
 * the direction asked, so it comes after the published ones either way, on both stores (which
 * otherwise disagree on where nulls go).
 */
function sortKey(sort: PostSort, order: SortOrder): Expression<number> {
  if (sort !== 'published_at') return sql<number>`posts.${sql.ref(sort)}`;
  const unpublished = order === 'asc' ? Number.MAX_SAFE_INTEGER : -1;
  return sql<number>`coalesce(${firstPublished()}, ${sql.lit(unpublished)})`;
}
const firstPublished = () => sql<number | null>`(select min(d.published_at) from deliveries d where d.post_id = posts.id)`;

/** `like` pattern for "contains", with the pattern's own wildcards taken literally. */
const contains = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Posts of the workspace not deleted, in the order asked (due order by default); the cursor is the
 * last (sort value, id) seen, so pages never skip or repeat, ties broken by id.
 */
export async function listPosts(db: Kysely<Database>, workspaceId: string, f: PostFilter): Promise<{ posts: Post[]; next?: PostCursor }> {
  return snapshot(db, (trx) => listPostsIn(trx, workspaceId, f));
}

async function listPostsIn(db: Kysely<Database>, workspaceId: string, f: PostFilter): Promise<{ posts: Post[]; next?: PostCursor }> {
  const sort = f.sort ?? 'scheduled_at';
  const order = f.order ?? 'asc';
  const key = sortKey(sort, order);
  const deliveriesWhere = (column: 'platform' | 'account_id', value: string) =>
    db.selectFrom('deliveries').select('post_id').where('workspace_id', '=', workspaceId).where(column, '=', value);
  let q = db
    .selectFrom('posts')
    .selectAll('posts')
    .select(sql<number>`${key}`.as('sort_value'))
    .where('posts.workspace_id', '=', workspaceId)
    .where('posts.deleted_at', 'is', null);
  const within = (expr: Expression<number | null>, r: TimeRange | undefined) => {
    if (r?.from !== undefined) q = q.where(sql<SqlBool>`${expr} >= ${r.from}`);
    if (r?.to !== undefined) q = q.where(sql<SqlBool>`${expr} < ${r.to}`);
  };
  if (f.status) q = q.where('posts.status', '=', f.status);
  if (f.platform) q = q.where('posts.id', 'in', deliveriesWhere('platform', f.platform));
  if (f.accountId) q = q.where('posts.id', 'in', deliveriesWhere('account_id', f.accountId));
  if (f.campaignId) q = q.where('posts.campaign_id', '=', f.campaignId);
  if (f.search) q = q.where(sql<SqlBool>`posts.search_text like ${contains(f.search)} escape '\\'`);
  within(sql<number>`posts.scheduled_at`, f.scheduled);
  within(sql<number>`posts.created_at`, f.created);
  within(firstPublished(), f.published);
  if (f.cursor) {
    const c = f.cursor;
    const after = order === 'asc' ? sql.raw('>') : sql.raw('<');
    q = q.where(sql<SqlBool>`(${key} ${after} ${c.value} or (${key} = ${c.value} and posts.id ${after} ${c.id}))`);
  }
  const rows = await q
    .orderBy(key, order)
    .orderBy('posts.id', order)
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const deliveries = page.length
    ? await db
        .selectFrom('deliveries')
        .selectAll()
        .where(
          'post_id',
          'in',
          page.map((r) => r.id),
        )
        .orderBy('id')
        .execute()
    : [];
  const posts = page.map(({ sort_value: _, ...r }) =>
    toPost(
      r,
      deliveries.filter((d) => d.post_id === r.id),
    ),
  );
  const last = page[page.length - 1];
  return { posts, next: rows.length > f.limit && last ? { sort, order, value: Number(last.sort_value), id: last.id } : undefined };
}
