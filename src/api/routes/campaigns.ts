import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import {
  CampaignInputSchema,
  createCampaign,
  deleteCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
  type Campaign,
  type CampaignInput,
} from '../../posts/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { IdParams, ListOf, isoTime } from '../schemas.js';
import { answering, callerOf } from './posts-errors.js';

export const CampaignView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    color: Type.Union([Type.String(), Type.Null()], { description: '#rrggbb' }),
    post_count: Type.Integer({ description: 'Posts of the campaign (not deleted)' }),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Campaign' },
);
const view = (c: Campaign): Static<typeof CampaignView> => ({
  id: c.id,
  name: c.name,
  description: c.description,
  color: c.color,
  post_count: c.postCount,
  created_at: isoTime(c.createdAt),
  updated_at: isoTime(c.updatedAt),
});

const UpdateBody = Type.Partial(CampaignInputSchema, { additionalProperties: false, minProperties: 1 });
const ListQuery = Type.Object(
  { cursor: Type.Optional(Type.String({ maxLength: 200 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  { additionalProperties: false },
);
const DeleteQuery = Type.Object(
  { detach_posts: Type.Optional(Type.Boolean({ default: false, description: 'Delete even while posts belong to it: they stay as they are, in no campaign' })) },
  { additionalProperties: false },
);

const ID = /^cmp_[0-9a-z]{26}$/;
const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
function decodeCursor(s: string): string {
  const id = Buffer.from(s, 'base64url').toString();
  if (!ID.test(id)) throw new HttpProblem(400, 'validation', 'Invalid cursor', [{ field: 'cursor', message: 'is not a cursor this API returned' }]);
  return id;
}

export async function campaignRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['campaigns'];

  app.post<{ Body: CampaignInput }>(
    '/campaigns',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Create a campaign: a named group of posts (posts join it with campaign_id)',
        body: CampaignInputSchema,
        response: { 201: CampaignView },
      },
    },
    async (request, reply) => reply.code(201).send(view(await createCampaign(callerOf(ctx, request), request.body))),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/campaigns',
    {
      config: { scope: 'posts:read' },
      schema: { tags, summary: 'List campaigns, oldest first', querystring: ListQuery, response: { 200: ListOf(CampaignView) } },
    },
    async (request) => {
      const q = request.query;
      const { campaigns, next } = await listCampaigns(callerOf(ctx, request), {
        after: q.cursor === undefined ? undefined : decodeCursor(q.cursor),
        limit: q.limit ?? 50,
      });
      return { data: campaigns.map(view), next_cursor: next ? encodeCursor(next) : null };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/campaigns/:id',
    {
      config: { scope: 'posts:read' },
      schema: { tags, summary: 'Get a campaign (its posts: GET /posts?campaign_id=…)', params: IdParams, response: { 200: CampaignView } },
    },
    async (request) => view(await answering(getCampaign(callerOf(ctx, request), request.params.id))),
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Partial<CampaignInput> }>(
    '/campaigns/:id',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Change a campaign; fields given replace the stored ones (null clears description or color)',
        params: IdParams,
        body: UpdateBody,
        response: { 200: CampaignView },
      },
    },
    async (request) => view(await answering(updateCampaign(callerOf(ctx, request), request.params.id, request.body))),
  );

  app.delete<{ Params: Static<typeof IdParams>; Querystring: Static<typeof DeleteQuery> }>(
    '/campaigns/:id',
    {
      config: { scope: 'posts:write' },
      schema: {
        tags,
        summary: 'Delete a campaign: refused (409) while posts belong to it, unless detach_posts=true leaves them in no campaign',
        params: IdParams,
        querystring: DeleteQuery,
        response: { 200: Type.Object({ deleted: Type.Literal(true), detached_posts: Type.Integer({ description: 'Posts taken out of the campaign' }) }) },
      },
    },
    async (request) => {
      const { detached } = await answering(deleteCampaign(callerOf(ctx, request), request.params.id, { detachPosts: request.query.detach_posts }));
      return { deleted: true as const, detached_posts: detached };
    },
  );
}
