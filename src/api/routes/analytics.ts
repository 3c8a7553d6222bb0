import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { metricsReport, readingsOf, readMetrics } from '../../analytics/index.js';
import { findConnector } from '../../connectors/index.js';
import { getPost } from '../../posts/index.js';
import { systemClock } from '../../shared/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, invalid, notFound } from '../problem.js';
import { IdParams, isoTime } from '../schemas.js';
import { connectorProblem } from './connector-problem.js';
import { PostView, postView } from './post-view.js';

const Counts = Type.Record(Type.String(), Type.Number());
const Query = Type.Object(
  {
    platform: Type.Optional(Type.String({ minLength: 1 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Published at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Published before' })),
  },
  { additionalProperties: false },
);
const Report = Type.Object({
  totals: Counts,
  data: Type.Array(
    Type.Object({
      post_id: Type.String(),
      delivery_id: Type.String(),
      platform: Type.String(),
      account_id: Type.String(),
      external_id: Type.Union([Type.String(), Type.Null()]),
      url: Type.Union([Type.String(), Type.Null()]),
      published_at: Type.Union([Type.String(), Type.Null()]),
      metrics: Type.Union([Counts, Type.Null()], { description: 'The latest reading' }),
      readings: Type.Array(Type.Object({ checkpoint: Type.String(), read_at: Type.String(), metrics: Counts })),
    }),
  ),
});

const readingView = (r: { checkpoint: string; readAt: number; metrics: Record<string, number> }) => ({ checkpoint: r.checkpoint, read_at: isoTime(r.readAt), metrics: r.metrics });

/** Metrics read back from published posts: per post, and over a period. */
export async function analyticsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const db = ctx.store.db;
  const tags = ['analytics'];

  app.get<{ Querystring: Static<typeof Query> }>(
    '/analytics',
    { config: { scope: 'posts:read' }, schema: { tags, summary: 'Metrics of posts published in a period (the latest reading of each) and their totals', querystring: Query, response: { 200: Report } } },
    async (request) => {
      const q = request.query;
      if (q.platform && !findConnector(q.platform)?.analytics) throw invalid([{ field: 'platform', message: 'is not a platform Pinion reads metrics from' }]);
      const report = await metricsReport(db, request.caller.workspaceId, { platform: q.platform, from: q.from ? Date.parse(q.from) : undefined, to: q.to ? Date.parse(q.to) : undefined });
      return {
        totals: report.totals,
        data: report.items.map(({ delivery: d, readings, latest }) => ({
          post_id: d.post_id,
          delivery_id: d.id,
          platform: d.platform,
          account_id: d.account_id,
          external_id: d.external_id,
          url: d.external_url,
          published_at: d.published_at === null ? null : isoTime(Number(d.published_at)),
          metrics: latest?.metrics ?? null,
          readings: readings.map(readingView),
        })),
      };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/posts/:id/analytics',
    { config: { scope: 'posts:write' }, schema: { tags, summary: 'Read the post’s metrics from each platform now (checkpoint "manual")', params: IdParams, response: { 200: PostView } } },
    async (request) => {
      const post = await getPost(db, request.caller.workspaceId, request.params.id);
      if (!post) throw notFound('Post');
      const readable = post.deliveries.filter((d) => d.status === 'published' && d.external_id && findConnector(d.platform)?.analytics);
      if (!readable.length) throw new HttpProblem(409, 'nothing-to-read', 'The post has no published delivery on a platform Pinion reads metrics from');
      for (const d of readable) {
        try {
          const read = await readMetrics({ db, accounts: ctx.accounts, clock: systemClock }, d, 'manual');
          if (!read) throw new HttpProblem(429, 'read-budget', 'The account’s metrics read budget is spent for the moment; try again in a minute');
        } catch (err) {
          throw err instanceof HttpProblem ? err : connectorProblem(err);
        }
      }
      const fresh = (await getPost(db, request.caller.workspaceId, post.id))!;
      return postView(fresh, undefined, await readingsOf(db, fresh.deliveries.map((d) => d.id)));
    },
  );
}
