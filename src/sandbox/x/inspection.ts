import type { FastifyInstance } from 'fastify';
import type { FaultConfig } from '../common/index.js';
import type { XContext } from './context.js';
import { processingState } from './media-state.js';
import type { Tweet, XState } from './state.js';
import { issueTokens } from './tokens.js';

export function tweetSummary(tweet: Tweet, state: XState) {
  return {
    id: tweet.id,
    author_id: tweet.authorId,
    username: state.users.get(tweet.authorId)?.username ?? null,
    text: tweet.text,
    shown_text: tweet.shownText,
    created_at: tweet.createdAt.toISOString(),
    deleted_at: tweet.deletedAt?.toISOString() ?? null,
    media_ids: tweet.mediaIds,
    in_reply_to_tweet_id: tweet.inReplyToTweetId,
    quote_tweet_id: tweet.quoteTweetId,
  };
}

export function sandboxStats(state: XState) {
  const users: Record<string, { username: string; create_tweet_calls: number; tweets: number; operations: Record<string, number> }> = {};
  for (const user of state.users.values()) {
    const operations = state.userOperationCalls.get(user.id);
    users[user.id] = {
      username: user.username,
      create_tweet_calls: operations?.get('POST /2/tweets') ?? 0,
      tweets: state.timeline(user.id).length,
      operations: Object.fromEntries(operations ?? []),
    };
  }
  return { operations: Object.fromEntries(state.operationCalls), users };
}

type Query = Record<string, string | undefined>;

/** Test-facing control surface: never authenticated, rate limited or faulted. */
export function registerInspectionRoutes(app: FastifyInstance, ctx: XContext, resetAll: () => void): void {
  const { state } = ctx;

  app.get('/_sandbox/tweets', async (request) => {
    const { user_id: userId, include_deleted: includeDeleted } = request.query as Query;
    const tweets = [...state.tweets.values()].filter(
      (t) => (userId === undefined || t.authorId === userId) && (includeDeleted === 'true' || t.deletedAt === null),
    );
    return { items: tweets.map((t) => tweetSummary(t, state)) };
  });

  app.get('/_sandbox/media', async (request) => {
    const { user_id: userId } = request.query as Query;
    const media = [...state.media.values()].filter((m) => userId === undefined || m.ownerId === userId);
    return {
      items: media.map((m) => ({
        id: m.id,
        media_key: m.key,
        user_id: m.ownerId,
        kind: m.kind,
        media_category: m.category,
        media_type: m.mediaType,
        state: processingState(m, ctx.options.mediaProcessingMs, ctx.clock.now()) ?? 'uploading',
        size: m.bytes?.length ?? [...m.segments.values()].reduce((sum, b) => sum + b.length, 0),
        alt_text: m.altText,
        failure_reason: m.failureReason,
      })),
    };
  });

  app.get('/_sandbox/users', async () => ({ items: [...state.users.values()].map((u) => ({ id: u.id, username: u.username, name: u.name })) }));

  app.post('/_sandbox/users', async (request, reply) => {
    const body = (request.body ?? {}) as { username?: unknown; name?: unknown; scopes?: unknown; client_id?: unknown };
    const user = state.createUser({
      ...(typeof body.username === 'string' ? { username: body.username } : {}),
      ...(typeof body.name === 'string' ? { name: body.name } : {}),
    });
    const view = { id: user.id, username: user.username, name: user.name };
    // Optional shortcut for tests and scripts that skip the OAuth dance.
    if (Array.isArray(body.scopes)) {
      const clientId = typeof body.client_id === 'string' ? body.client_id : ([...state.apps.keys()][0] ?? '');
      return reply.code(201).send({ ...view, tokens: issueTokens(ctx, user.id, body.scopes.map(String), clientId) });
    }
    return reply.code(201).send(view);
  });

  app.get('/_sandbox/stats', async () => sandboxStats(state));

  app.get('/_sandbox/faults', async () => ctx.faults.get());

  app.put('/_sandbox/faults', async (request, reply) => {
    try {
      ctx.faults.set((request.body ?? {}) as FaultConfig);
    } catch (error) {
      return reply
        .code(400)
        .type('application/problem+json')
        .send({ title: 'Invalid Request', detail: (error as Error).message, type: 'about:blank', status: 400 });
    }
    return ctx.faults.get();
  });

  app.post('/_sandbox/reset', async (_request, reply) => {
    resetAll();
    return reply.code(204).send();
  });
}
