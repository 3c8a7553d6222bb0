import type { FastifyInstance } from 'fastify';
import { peCall, type PeDeps } from './context.js';
import { ok } from './reply.js';

interface NativeMe {
  key: { id: string; name: string; prefix: string; scopes: string[]; created_at: string; last_used_at: string | null };
  workspace: { id: string; name: string; created_at: string };
  limits: { requests_per_minute: number | null; posts_per_bulk_request: number; image_bytes: number; video_bytes: number; media_fetch_bytes: number };
  usage: {
    accounts: { connected: number; needing_reconnection: number };
    posts: { total: number; last_30_days: number };
    media: { items: number; bytes: number };
  };
}

/** A limit Pinion does not have (seats, accounts, storage): -1. */
const NO_LIMIT = -1;

export async function meRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  app.get('/me', async (request, reply) => {
    const me = await peCall(deps, request).native.get<NativeMe>('/me');
    // Pinion has workspaces and keys, no users or subscriptions: the workspace stands for both the organization and the user.
    return ok(reply, {
      api_key: {
        id: me.key.id,
        key_prefix: me.key.prefix,
        name: me.key.name,
        scopes: me.key.scopes,
        last_used_at: me.key.last_used_at,
        created_at: me.key.created_at,
        expires_at: null,
      },
      scopes: me.key.scopes,
      user: { id: 0, email: '', name: me.workspace.name },
      organization: {
        id: me.workspace.id,
        name: me.workspace.name,
        subscription_plan: 'self-hosted',
        subscription_status: 'active',
        subscription_source: null,
        trial_end: null,
        current_period_end: null,
        cancel_at_period_end: false,
        entitled: true,
      },
      workspace: { id: me.workspace.id, name: me.workspace.name },
      quota: {
        accounts: { used: me.usage.accounts.connected, limit: NO_LIMIT },
        ai_credits: { used: 0, limit: 0, bonus: 0 },
        storage_bytes: { used: me.usage.media.bytes, limit: NO_LIMIT },
        team_seats: { limit: NO_LIMIT },
      },
      stats: { posts_last_30d: me.usage.posts.last_30_days, total_posts: me.usage.posts.total },
      limits: me.limits,
    });
  });
}
