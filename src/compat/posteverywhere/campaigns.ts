import type { FastifyInstance } from 'fastify';
import { bodyOf, numericId, peCall, type PeCall, type PeDeps } from './context.js';
import { peNotFound, peValidation } from './errors.js';
import { ok } from './reply.js';

interface NativeCampaign {
  id: string;
  name: string;
  description: string | null;
  color: string | null;
  post_count: number;
  created_at: string;
  updated_at: string;
}

const view = async (call: PeCall, c: NativeCampaign) => ({
  id: await call.ids.numberOf('campaign', c.id),
  name: c.name,
  description: c.description,
  color: c.color,
  // Pinion's campaigns are never archived.
  status: 'active' as const,
  post_count: c.post_count,
  created_at: c.created_at,
  updated_at: c.updated_at,
});

/** The fields Pinion's campaign takes; `status: "archived"` has no Pinion counterpart and is refused, not dropped. */
function changes(body: Record<string, unknown>): Record<string, unknown> {
  const { name, description, color, status, ...rest } = body;
  const unknown = Object.keys(rest);
  if (unknown.length) throw peValidation(unknown[0]!, 'is not a known field');
  if (status !== undefined && status !== 'active')
    throw peValidation('status', 'can only be "active": Pinion campaigns have no archived state (delete the campaign instead)');
  return { ...(name !== undefined && { name }), ...(description !== undefined && { description }), ...(color !== undefined && { color }) };
}

async function campaignPath(call: PeCall, raw: string): Promise<string> {
  const id = await call.ids.pinionIdOf('campaign', numericId(raw, 'Campaign'));
  if (!id) throw peNotFound('Campaign');
  return `/campaigns/${encodeURIComponent(id)}`;
}

export async function campaignRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  app.get<{ Querystring: Record<string, string> }>('/campaigns', async (request, reply) => {
    const call = peCall(deps, request);
    const { status, limit: rawLimit, offset: rawOffset } = request.query;
    if (status !== undefined && status !== 'active' && status !== 'archived') throw peValidation('status', 'must be active or archived');
    const limit = rawLimit === undefined ? 50 : Number(rawLimit);
    const offset = rawOffset === undefined ? 0 : Number(rawOffset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw peValidation('limit', 'must be a whole number from 1 to 200');
    if (!Number.isInteger(offset) || offset < 0) throw peValidation('offset', 'must be a whole number from 0');
    const all = status === 'archived' ? [] : await call.native.all<NativeCampaign>('/campaigns');
    const campaigns = [];
    for (const c of all.slice(offset, offset + limit)) campaigns.push(await view(call, c));
    return ok(reply, { campaigns, pagination: { limit, offset, total: all.length, has_more: offset + campaigns.length < all.length } });
  });

  app.get<{ Params: { id: string } }>('/campaigns/:id', async (request, reply) => {
    const call = peCall(deps, request);
    return ok(reply, await view(call, await call.native.get<NativeCampaign>(await campaignPath(call, request.params.id))));
  });

  app.post('/campaigns', async (request, reply) => {
    const call = peCall(deps, request);
    const body = changes(bodyOf(request));
    if (body.name === undefined) throw peValidation('name', 'is required');
    return ok(reply, await view(call, await call.native.post<NativeCampaign>('/campaigns', body)), 201);
  });

  app.patch<{ Params: { id: string } }>('/campaigns/:id', async (request, reply) => {
    const call = peCall(deps, request);
    const path = await campaignPath(call, request.params.id);
    const body = changes(bodyOf(request));
    const c = Object.keys(body).length ? await call.native.patch<NativeCampaign>(path, body) : await call.native.get<NativeCampaign>(path);
    return ok(reply, await view(call, c));
  });

  // PostEverywhere takes the campaign off its posts: Pinion's detach_posts.
  app.delete<{ Params: { id: string } }>('/campaigns/:id', async (request, reply) => {
    const call = peCall(deps, request);
    const path = await campaignPath(call, request.params.id);
    await call.native.delete(`${path}?detach_posts=true`);
    return ok(reply, { id: numericId(request.params.id, 'Campaign'), deleted: true });
  });
}
