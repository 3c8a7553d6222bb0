import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  TEST_EVENT,
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpointRow,
  insertEvent,
  listDeliveries,
  listEndpoints,
  redeliver,
  rotateSecret,
  toEndpoint,
  updateEndpoint,
  type Delivery,
  type WebhookEndpoint,
} from '../../webhooks/index.js';
import { isAllowedHost, literalRefusal } from '../../net/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, invalid, notFound } from '../problem.js';
import { IdParams, ListOf } from '../schemas.js';
import {
  EndpointView,
  WithSecret,
  RotateBody,
  CreateBody,
  PatchBody,
  DeliveryView,
  DeliveryParams,
  DeliveriesQuery,
  view,
  deliveryView,
} from './webhook-views.js';

/**
 * Refuses what could never be sent: credentials in the URL, and receivers on private, loopback
 * or link-local addresses (unless allowlisted). Names that resolve to such addresses are refused
 * when sending, since DNS can change after this check.
 */
function checkUrl(url: string | undefined, allowHosts: readonly string[]): void {
  if (url === undefined) return;
  let u: URL;
  try {
    // The schema's `uri` format is looser than the WHATWG parser the sender uses (256.256.256.256, 1.2.3.4.5).
    u = new URL(url);
  } catch {
    throw invalid([{ field: 'url', message: 'is not a URL that can be sent to (check the host name or IP address)' }]);
  }
  if (u.username || u.password) throw invalid([{ field: 'url', message: 'must not contain credentials; authenticate with the signature instead' }]);
  const refusal = isAllowedHost(u, allowHosts) ? undefined : literalRefusal(u);
  if (refusal)
    throw invalid([
      { field: 'url', message: `${refusal}; webhooks go to public addresses unless the host is in webhooks.allowHosts (PINION_WEBHOOK_ALLOW_HOSTS)` },
    ]);
}

export async function webhookRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const db = ctx.store.db;
  const vault = ctx.accounts.vault;
  const tags = ['webhooks'];
  const read = { scope: 'webhooks:read' as const };
  const write = { scope: 'webhooks:write' as const };
  const endpointOf = async (workspaceId: string, id: string) => {
    const row = await getEndpointRow(db, workspaceId, id);
    if (!row) throw notFound('Webhook endpoint');
    return row;
  };

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/webhooks',
    {
      config: write,
      schema: { tags, summary: 'Create a webhook endpoint; its signing secret is shown once', body: CreateBody, response: { 201: WithSecret } },
    },
    async (request, reply) => {
      checkUrl(request.body.url, ctx.config.webhooks.allowHosts);
      const { endpoint, secret } = await createEndpoint(db, vault, { workspaceId: request.caller.workspaceId, ...request.body });
      request.log.info({ endpointId: endpoint.id }, 'webhook endpoint created');
      return reply.code(201).send({ ...view(endpoint), secret });
    },
  );

  app.get(
    '/webhooks',
    { config: read, schema: { tags, summary: "List the workspace's webhook endpoints (never their secrets)", response: { 200: ListOf(EndpointView) } } },
    async (request) => ({ data: (await listEndpoints(db, request.caller.workspaceId)).map(view), next_cursor: null }),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:id',
    { config: read, schema: { tags, summary: 'Get a webhook endpoint', params: IdParams, response: { 200: EndpointView } } },
    async (request) => view(toEndpoint(await endpointOf(request.caller.workspaceId, request.params.id))),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof PatchBody> }>(
    '/webhooks/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a webhook endpoint; disabling it fails its pending deliveries when they come due',
        params: IdParams,
        body: PatchBody,
        response: { 200: EndpointView },
      },
    },
    async (request) => {
      checkUrl(request.body.url, ctx.config.webhooks.allowHosts);
      const endpoint = await updateEndpoint(db, request.caller.workspaceId, request.params.id, request.body);
      if (!endpoint) throw notFound('Webhook endpoint');
      return view(endpoint);
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:id',
    {
      config: write,
      schema: { tags, summary: 'Delete a webhook endpoint with its deliveries and their log', params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      if (!(await deleteEndpoint(db, request.caller.workspaceId, request.params.id))) throw notFound('Webhook endpoint');
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RotateBody> | undefined }>(
    '/webhooks/:id/rotate-secret',
    {
      config: write,
      schema: {
        tags,
        summary: 'Replace the signing secret (shown once); the old one stops at once, or keeps signing beside it for keep_previous_seconds',
        params: IdParams,
        body: RotateBody,
        response: { 200: WithSecret },
      },
      // The body is optional: a bare POST rotates with no overlap.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const rotated = await rotateSecret(db, vault, request.caller.workspaceId, request.params.id, {
        keepPreviousSeconds: request.body?.keep_previous_seconds,
      });
      if (!rotated) throw notFound('Webhook endpoint');
      request.log.info({ endpointId: rotated.endpoint.id }, 'webhook secret rotated');
      return { ...view(rotated.endpoint), secret: rotated.secret };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/webhooks/:id/test',
    { config: write, schema: { tags, summary: `Send a ${TEST_EVENT} event to this endpoint only`, params: IdParams, response: { 202: DeliveryView } } },
    async (request, reply) => {
      const row = await endpointOf(request.caller.workspaceId, request.params.id);
      if (!row.enabled) throw new HttpProblem(409, 'endpoint-disabled', 'The webhook endpoint is disabled; enable it first');
      const { deliveryIds } = await insertEvent(db, { workspaceId: row.workspace_id, type: TEST_EVENT, data: { endpoint_id: row.id }, onlyEndpointId: row.id });
      return reply.code(202).send(deliveryView((await getDelivery(db, row.workspace_id, deliveryIds[0]!))!));
    },
  );

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DeliveriesQuery> }>(
    '/webhooks/:id/deliveries',
    {
      config: read,
      schema: {
        tags,
        summary: "The endpoint's delivery log, newest first, with every attempt",
        params: IdParams,
        querystring: DeliveriesQuery,
        response: { 200: ListOf(DeliveryView) },
      },
    },
    async (request) => {
      const row = await endpointOf(request.caller.workspaceId, request.params.id);
      const page = await listDeliveries(db, row.workspace_id, row.id, request.query);
      return { data: page.data.map(deliveryView), next_cursor: page.nextCursor };
    },
  );

  app.get<{ Params: Static<typeof DeliveryParams> }>(
    '/webhooks/deliveries/:delivery_id',
    { config: read, schema: { tags, summary: 'Get a delivery with its attempts', params: DeliveryParams, response: { 200: DeliveryView } } },
    async (request) => {
      const delivery = await getDelivery(db, request.caller.workspaceId, request.params.delivery_id);
      if (!delivery) throw notFound('Webhook delivery');
      return deliveryView(delivery);
    },
  );

  app.post<{ Params: Static<typeof DeliveryParams> }>(
    '/webhooks/deliveries/:delivery_id/redeliver',
    {
      config: write,
      schema: {
        tags,
        summary: 'Send a delivery again: a pending one now, a finished one as a new delivery of the same event (same event id, fresh retries)',
        params: DeliveryParams,
        response: { 202: DeliveryView },
      },
    },
    async (request, reply) => {
      const current = await getDelivery(db, request.caller.workspaceId, request.params.delivery_id);
      if (!current) throw notFound('Webhook delivery');
      const row = await endpointOf(request.caller.workspaceId, current.endpointId);
      if (!row.enabled) throw new HttpProblem(409, 'endpoint-disabled', 'The webhook endpoint is disabled; enable it first');
      const delivery = await redeliver(db, request.caller.workspaceId, current.id);
      if (!delivery) throw notFound('Webhook delivery');
      return reply.code(202).send(deliveryView(delivery));
    },
  );
}
