import type { FastifyInstance } from 'fastify';
import { peCall, numericId, type PeCall, type PeDeps } from './context.js';
import { peNotFound } from './errors.js';
import { ok } from './reply.js';
import type { NativeAccount, NativeAccountHealth, NativeList } from './native-types.js';

/** The Pinion account a PostEverywhere account number stands for (404 when none of the caller's). */
export async function accountByNumber(call: PeCall, n: number): Promise<NativeAccount> {
  const id = await call.ids.pinionIdOf('account', n);
  if (!id) throw peNotFound('Account');
  return call.native.get<NativeAccount>(`/accounts/${encodeURIComponent(id)}`);
}

const healthSummary = (a: NativeAccount, h: NativeAccountHealth) => {
  if (!h.can_post) return { status: 'expired' as const, message: h.reasons[0] ?? a.last_error };
  if (h.token.expiring_soon) return { status: 'expiring_critical' as const, message: h.reasons[0] ?? null };
  if (h.activity.failures_last_7d) return { status: 'api_error' as const, message: h.reasons.find((r) => r.includes('failed')) ?? null };
  return { status: 'healthy' as const, message: null };
};

export async function accountView(call: PeCall, a: NativeAccount) {
  const health = await call.native.get<NativeAccountHealth>(`/accounts/${encodeURIComponent(a.id)}/health`);
  return {
    id: await call.ids.numberOf('account', a.id),
    platform: a.platform,
    platform_user_id: a.external_id,
    platform_username: a.username,
    display_name: a.display_name ?? a.username,
    avatar_url: a.avatar_url,
    is_active: a.status === 'active',
    health: healthSummary(a, health),
    pinion_id: a.id,
  };
}

export async function accountRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  app.get('/accounts', async (request, reply) => {
    const call = peCall(deps, request);
    const { data } = await call.native.get<NativeList<NativeAccount>>('/accounts');
    const accounts = [];
    for (const a of data) accounts.push(await accountView(call, a));
    return ok(reply, { accounts, total: accounts.length });
  });

  app.get<{ Params: { id: string } }>('/accounts/:id', async (request, reply) => {
    const call = peCall(deps, request);
    return ok(reply, await accountView(call, await accountByNumber(call, numericId(request.params.id, 'Account'))));
  });

  app.get<{ Params: { id: string } }>('/accounts/:id/health', async (request, reply) => {
    const call = peCall(deps, request);
    const n = numericId(request.params.id, 'Account');
    const a = await accountByNumber(call, n);
    const h = await call.native.get<NativeAccountHealth>(`/accounts/${encodeURIComponent(a.id)}/health`);
    return ok(reply, {
      account_id: n,
      platform: a.platform,
      account_name: a.display_name ?? a.username,
      platform_account_id: a.external_id,
      status: h.status,
      can_post: h.can_post,
      reasons: h.reasons,
      is_active: a.status === 'active',
      needs_reconnection: a.status !== 'active',
      needs_reconnection_since: h.needs_reconnection_since,
      token: { expires_at: h.token.grant_expires_at, last_refresh: h.token.refreshed_at, expired: h.token.expired, expiring_soon: h.token.expiring_soon },
      activity: {
        last_published_at: h.activity.last_published_at,
        failures_last_7d: h.activity.failures_last_7d,
        permanent_failures_last_7d: h.activity.permanent_failures_last_7d,
        queued_count: h.activity.queued,
      },
      connected_at: a.created_at,
    });
  });
}
