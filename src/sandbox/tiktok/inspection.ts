import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import type { FaultConfig } from './faults.js';
import { issueTokens } from './oauth.js';
import { advance, statusView } from './processing.js';
import type { SandboxState } from './state.js';

export function sandboxStats(ctx: SandboxContext) {
  const state: SandboxState = ctx.state;
  for (const p of state.publishes.values()) advance(ctx, p);
  const users: Record<string, { username: string; posts: number; publishes: number; operations: Record<string, number> }> = {};
  for (const u of state.users.values()) {
    users[u.openId] = {
      username: u.username,
      posts: state.postsOf(u.openId).length,
      publishes: [...state.publishes.values()].filter((p) => p.openId === u.openId).length,
      operations: Object.fromEntries(state.userOperationCalls.get(u.openId) ?? []),
    };
  }
  return { operations: Object.fromEntries(state.operationCalls), users };
}

/** Test-facing control surface under /_sandbox: never authenticated, rate limited or faulted. */
export function registerInspectionRoutes(app: FastifyInstance, ctx: SandboxContext, resetAll: () => void): void {
  const { state } = ctx;
  const query = (q: unknown) => q as Record<string, string | undefined>;

  app.get('/_sandbox/posts', async (request) => {
    for (const p of state.publishes.values()) advance(ctx, p);
    const { open_id } = query(request.query);
    const posts = [...state.posts.values()].filter((p) => open_id === undefined || p.openId === open_id);
    return {
      items: posts.map((p) => ({
        id: p.id,
        open_id: p.openId,
        publish_id: p.publishId,
        kind: p.kind,
        title: p.title,
        description: p.description,
        privacy_level: p.privacyLevel,
        bytes: p.bytes,
        images: p.images,
        created_at: new Date(p.createdAt).toISOString(),
      })),
    };
  });

  app.get('/_sandbox/publishes', async () => ({
    items: [...state.publishes.values()].map((p) => ({
      publish_id: p.id,
      open_id: p.openId,
      kind: p.kind,
      mode: p.mode,
      source: p.source,
      post_info: p.postInfo,
      ...statusView(ctx, p),
    })),
  }));

  app.get('/_sandbox/inbox', async () => ({
    items: state.inbox.map((i) => ({ open_id: i.openId, publish_id: i.publishId, at: new Date(i.at).toISOString() })),
  }));

  app.get('/_sandbox/users', async () => ({ items: [...state.users.values()] }));

  app.post('/_sandbox/users', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const user = state.createUser({
      ...(typeof body.username === 'string' && { username: body.username }),
      ...(Array.isArray(body.privacy_level_options) && { privacyLevelOptions: body.privacy_level_options.map(String) }),
      ...(typeof body.comment_disabled === 'boolean' && { commentDisabled: body.comment_disabled }),
      ...(typeof body.duet_disabled === 'boolean' && { duetDisabled: body.duet_disabled }),
      ...(typeof body.stitch_disabled === 'boolean' && { stitchDisabled: body.stitch_disabled }),
      ...(typeof body.max_video_post_duration_sec === 'number' && { maxVideoPostDurationSec: body.max_video_post_duration_sec }),
    });
    // Optional shortcut: tokens for scripts that skip the OAuth dance.
    const clientKey = [...state.apps.keys()][0]!;
    const tokens = Array.isArray(body.scopes) ? issueTokens(ctx, user.openId, clientKey, body.scopes.map(String)) : undefined;
    return reply.code(201).send({ ...user, ...(tokens && { tokens }) });
  });

  app.get('/_sandbox/stats', async () => sandboxStats(ctx));
  app.get('/_sandbox/faults', async () => ctx.faults.get());
  app.put('/_sandbox/faults', async (request, reply) => {
    try {
      ctx.faults.set((request.body ?? {}) as FaultConfig);
    } catch (error) {
      return reply.code(400).send({ error: (error as Error).message });
    }
    return ctx.faults.get();
  });
  app.post('/_sandbox/reset', async (_request, reply) => {
    resetAll();
    return reply.code(204).send();
  });
}
