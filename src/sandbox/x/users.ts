import type { FastifyInstance } from 'fastify';
import type { XContext } from './context.js';
import { notFoundEntry } from './errors.js';
import { checkQuery, integerIn, Issues, NUMERIC_ID, timestamp } from './input.js';
import { defineOperation } from './operation.js';
import { compareIds, type Tweet } from './state.js';
import { validId } from './tweets.js';
import { EXPANSION_PARAMS, POST_FIELD_PARAMS, postFields, tweetView, userFields, userView } from './views.js';

const TIMELINE_PARAMS = [
  ...['max_results', 'pagination_token', 'start_time', 'end_time', 'since_id', 'until_id', 'exclude', 'user.fields'],
  ...POST_FIELD_PARAMS,
  ...EXPANSION_PARAMS,
];

/** Opaque to clients; it names the last post served, so deletions between pages neither skip nor repeat posts. */
const encodeToken = (id: string) => Buffer.from(`before:${id}`).toString('base64url');
function decodeToken(token: unknown, issues: Issues): string | undefined {
  if (token === undefined) return undefined;
  const match = /^before:(\d{1,19})$/.exec(Buffer.from(String(token), 'base64url').toString('utf8'));
  if (!match?.[1]) issues.add('pagination_token', token, 'The `pagination_token` query parameter value is not a token this endpoint returned.');
  return match?.[1];
}

export function registerUserRoutes(app: FastifyInstance, ctx: XContext): void {
  const { state } = ctx;

  defineOperation(app, ctx, { method: 'GET', path: '/2/users/me', scopes: ['tweet.read', 'users.read'] }, async ({ request, user }) => {
    const query = request.query as Record<string, unknown>;
    const issues = new Issues();
    checkQuery(query, ['user.fields', 'expansions', ...POST_FIELD_PARAMS], issues);
    const fields = userFields(query, issues);
    issues.throwIfAny();
    return { status: 200, body: { data: userView(user, fields) } };
  });

  /**
   * A user's posts, newest first (docs x-api/posts/timelines). start_time is inclusive, end_time exclusive (guess),
   * since_id/until_id exclusive. The connector uses it to find a post whose answer was lost.
   */
  defineOperation(app, ctx, { method: 'GET', path: '/2/users/{id}/tweets', scopes: ['tweet.read', 'users.read'] }, async ({ request }) => {
    const userId = validId(request.params);
    const query = request.query as Record<string, unknown>;
    const issues = new Issues();
    checkQuery(query, TIMELINE_PARAMS, issues);
    const maxResults = integerIn(query['max_results'], 'max_results', 5, 100, issues) ?? 10;
    const before = decodeToken(query['pagination_token'], issues);
    const start = timestamp(query['start_time'], 'start_time', issues);
    const end = timestamp(query['end_time'], 'end_time', issues);
    if (start !== undefined && end !== undefined && start >= end) issues.add('start_time', query['start_time'], '`start_time` must be before `end_time`.');
    for (const name of ['since_id', 'until_id']) {
      const value = query[name];
      if (value !== undefined && !NUMERIC_ID.test(String(value)))
        issues.add(name, value, `The \`${name}\` query parameter value [${String(value)}] is not a numeric id.`);
    }
    const exclude = query['exclude'] === undefined ? [] : String(query['exclude']).split(',');
    for (const value of exclude) {
      if (value !== 'replies' && value !== 'retweets')
        issues.add('exclude', value, `The \`exclude\` query parameter value [${value}] is not one of [replies,retweets]`);
    }
    const fields = postFields(query, issues);
    userFields(query, issues);
    issues.throwIfAny();
    if (!state.users.has(userId)) return { status: 200, body: { errors: [notFoundEntry('user', 'id', userId)] } };

    const since = query['since_id'] === undefined ? undefined : String(query['since_id']);
    const until = query['until_id'] === undefined ? undefined : String(query['until_id']);
    const matches = (t: Tweet) =>
      (start === undefined || t.createdAt.getTime() >= start) &&
      (end === undefined || t.createdAt.getTime() < end) &&
      (since === undefined || compareIds(t.id, since) > 0) &&
      (until === undefined || compareIds(t.id, until) < 0) &&
      (before === undefined || compareIds(t.id, before) < 0) &&
      !(exclude.includes('replies') && t.inReplyToTweetId !== null);
    const all = state.timeline(userId).filter(matches);
    const page = all.slice(0, maxResults);
    const newest = page[0];
    const oldest = page[page.length - 1];
    if (!newest || !oldest) return { status: 200, body: { meta: { result_count: 0 } } };
    const meta: Record<string, unknown> = { result_count: page.length, newest_id: newest.id, oldest_id: oldest.id };
    if (all.length > page.length) meta['next_token'] = encodeToken(oldest.id);
    return { status: 200, body: { data: page.map((t) => tweetView(t, fields, state, ctx.options)), meta } };
  });
}
