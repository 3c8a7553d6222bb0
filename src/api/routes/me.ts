import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { findWorkspace, getApiKey, workspaceUsage } from '../../workspaces/index.js';
import type { ApiContext } from '../context.js';
import { notFound } from '../problem.js';
import { isoTime } from '../schemas.js';
import { BULK_MAX } from './posts-bulk.js';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
const MeView = Type.Object(
  {
    key: Type.Object({
      id: Type.String(),
      name: Type.String(),
      prefix: Type.String({ description: 'First characters of the key' }),
      scopes: Type.Array(Type.String()),
      created_at: Type.String({ format: 'date-time' }),
      last_used_at: Time,
    }),
    workspace: Type.Object({ id: Type.String(), name: Type.String(), created_at: Type.String({ format: 'date-time' }) }),
    limits: Type.Object({
      requests_per_minute: Type.Union([Type.Integer(), Type.Null()], { description: 'Requests per API key per minute (per server process); null: no limit' }),
      posts_per_bulk_request: Type.Integer(),
      request_body_bytes: Type.Integer(),
      image_bytes: Type.Integer(),
      video_bytes: Type.Integer(),
      media_fetch_bytes: Type.Integer({ description: 'Largest file POST /media:fetch downloads' }),
    }),
    usage: Type.Object({
      accounts: Type.Object({ connected: Type.Integer(), needing_reconnection: Type.Integer() }),
      posts: Type.Object({ total: Type.Integer(), last_30_days: Type.Integer({ description: 'Made in the last 30 days' }) }),
      media: Type.Object({ items: Type.Integer(), bytes: Type.Integer() }),
    }),
  },
  { $id: 'Me' },
);

/** Who is calling: the key, its workspace, the limits this instance applies and what the workspace holds. */
export async function meRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(
    '/me',
    {
      schema: {
        tags: ['keys'],
        summary: 'The calling API key (id, name, scopes), its workspace, this instance’s limits and the workspace’s usage',
        response: { 200: MeView },
      },
    },
    async (request) => {
      const db = ctx.store.db;
      const { workspaceId, keyId } = request.caller;
      const [key, workspace] = await Promise.all([getApiKey(db, workspaceId, keyId), findWorkspace(db, workspaceId)]);
      if (!key || !workspace) throw notFound('API key');
      const usage = await workspaceUsage(db, workspaceId, Date.now());
      const c = ctx.config;
      return {
        key: {
          id: key.id,
          name: key.name,
          prefix: key.prefix,
          scopes: key.scopes,
          created_at: isoTime(key.createdAt),
          last_used_at: key.lastUsedAt && isoTime(key.lastUsedAt),
        },
        workspace: { id: workspace.id, name: workspace.name, created_at: isoTime(workspace.createdAt) },
        limits: {
          requests_per_minute: c.rateLimitPerMinute > 0 ? c.rateLimitPerMinute : null,
          posts_per_bulk_request: BULK_MAX,
          request_body_bytes: c.bodyLimitBytes,
          image_bytes: c.media.maxImageBytes,
          video_bytes: c.media.maxVideoBytes,
          media_fetch_bytes: c.media.fetchMaxBytes,
        },
        usage: {
          accounts: { connected: usage.accounts.connected, needing_reconnection: usage.accounts.needingReconnection },
          posts: { total: usage.posts.total, last_30_days: usage.posts.last30Days },
          media: usage.media,
        },
      };
    },
  );
}
