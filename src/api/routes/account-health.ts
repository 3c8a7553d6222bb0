import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { accountHealth, type AccountHealth } from '../../accounts/index.js';
import type { ApiContext } from '../context.js';
import { IdParams, isoTime } from '../schemas.js';
import { accountOf } from './accounts.js';

const Time = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);
export const AccountHealthView = Type.Object(
  {
    account_id: Type.String(),
    platform: Type.String(),
    status: Type.Union([Type.Literal('healthy'), Type.Literal('warning'), Type.Literal('broken')], {
      description: 'broken: posts to it cannot go out (reconnect it); warning: they can, but something needs a look (see reasons)',
    }),
    can_post: Type.Boolean(),
    reasons: Type.Array(Type.String(), { description: 'Why the status is not healthy, and what to do' }),
    needs_reconnection_since: { ...Time, description: 'Since when the account has needed connecting again (null while it does not)' },
    token: Type.Object({
      access_expires_at: Time,
      refresh_expires_at: Time,
      refreshed_at: Time,
      grant_expires_at: { ...Time, description: 'When the grant ends and cannot be refreshed past: the account must be connected again by then' },
      expired: Type.Boolean(),
      expiring_soon: Type.Boolean({ description: 'The grant ends within 7 days' }),
    }),
    activity: Type.Object({
      last_published_at: Time,
      failures_last_7d: Type.Integer({ description: 'Deliveries to this account whose last attempt failed in the last 7 days (retrying or given up)' }),
      permanent_failures_last_7d: Type.Integer({ description: 'Of those, the ones that will not be tried again' }),
      queued: Type.Integer({ description: 'Deliveries waiting to publish or being published' }),
    }),
  },
  { $id: 'AccountHealth' },
);

const time = (ms: number | null) => (ms === null ? null : isoTime(ms));
export const accountHealthView = (accountId: string, platform: string, h: AccountHealth): Static<typeof AccountHealthView> => ({
  account_id: accountId,
  platform,
  status: h.status,
  can_post: h.canPost,
  reasons: h.reasons,
  needs_reconnection_since: time(h.needsReconnectionSince),
  token: {
    access_expires_at: time(h.token.accessExpiresAt),
    refresh_expires_at: time(h.token.refreshExpiresAt),
    refreshed_at: time(h.token.refreshedAt),
    grant_expires_at: time(h.token.grantExpiresAt),
    expired: h.token.expired,
    expiring_soon: h.token.expiringSoon,
  },
  activity: {
    last_published_at: time(h.activity.lastPublishedAt),
    failures_last_7d: h.activity.failuresLast7d,
    permanent_failures_last_7d: h.activity.permanentFailuresLast7d,
    queued: h.activity.queued,
  },
});

export async function accountHealthRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: Static<typeof IdParams> }>(
    '/accounts/:id/health',
    {
      config: { scope: 'accounts:read' },
      schema: {
        tags: ['accounts'],
        summary: 'Whether posts to the account can go out: grant expiry, recent failures, queued deliveries, and since when it has needed reconnecting',
        description: 'Read from what Pinion knows; asks no platform (GET /accounts/{id}/status checks with the platform now).',
        params: IdParams,
        response: { 200: AccountHealthView },
      },
    },
    async (request) => {
      const row = await accountOf(ctx, request.caller.workspaceId, request.params.id);
      return accountHealthView(row.id, row.platform, await accountHealth(ctx.store.db, row, Date.now()));
    },
  );
}
