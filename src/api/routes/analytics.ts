import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { analyticsSummary, metricsReport, readingsOf, readMetrics } from '../../analytics/index.js';
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

const SummaryQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Start of the period (posts due, deliveries published at or after); omitted: from the first post' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'End of the period (before); omitted: without end' })),
  },
  { additionalProperties: false },
);
const SummaryView = Type.Object({
  from: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  to: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  posts: Type.Object({ total: Type.Integer(), by_status: Counts }, { description: 'Posts due in the period, by status' }),
  deliveries: Type.Array(Type.Object({ platform: Type.String(), total: Type.Integer(), by_status: Counts }), {
    description: 'Deliveries due in the period, per platform and by status',
  }),
  metrics: Type.Object(
    {
      totals: Counts,
      by_platform: Type.Record(Type.String(), Counts),
      deliveries_read: Type.Integer({ description: 'Published deliveries with at least one reading' }),
    },
    { description: 'Sums of the latest reading of each delivery published in the period, as each platform names its metrics' },
  ),
});

const readingView = (r: { checkpoint: string; readAt: number; metrics: Record<string, number> }) => ({
  checkpoint: r.checkpoint,
  read_at: isoTime(r.readAt),
  metrics: r.metrics,
});

/** Metrics read back from published posts: per post, and over a period. */
export async function analyticsRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const db = ctx.store.db;
  const tags = ['analytics'];

  app.get<{ Querystring: Static<typeof Query> }>(
    '/analytics',
    {
      config: { scope: 'posts:read' },
      schema: {
        tags,
        summary: 'Metrics of posts published in a period (the latest reading of each) and their totals',
        querystring: Query,
        response: { 200: Report },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.platform && !findConnector(q.platform)?.analytics) throw invalid([{ field: 'platform', message: 'is not a platform Pinion reads metrics from' }]);
      const report = await metricsReport(db, request.caller.workspaceId, {
        platform: q.platform,
        from: q.from ? Date.parse(q.from) : undefined,
        to: q.to ? Date.parse(q.to) : undefined,
      });
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

  app.get<{ Querystring: Static<typeof SummaryQuery> }>(
    '/analytics/summary',
    {
      config: { scope: 'posts:read' },
      schema: {
        tags,
        summary: 'Posts and deliveries by status and platform over a period, with the totals of the metrics Pinion has read back',
        querystring: SummaryQuery,
        response: { 200: SummaryView },
      },
    },
    async (request) => {
      const from = request.query.from ? Date.parse(request.query.from) : undefined;
      const to = request.query.to ? Date.parse(request.query.to) : undefined;
      if (from !== undefined && to !== undefined && from >= to)
        throw new HttpProblem(400, 'validation', 'The period is empty', [{ field: 'to', message: 'must be later than from' }]);
      const s = await analyticsSummary(db, request.caller.workspaceId, { from, to });
      return {
        from: from === undefined ? null : isoTime(from),
        to: to === undefined ? null : isoTime(to),
        posts: { total: s.posts.total, by_status: s.posts.byStatus },
        deliveries: s.deliveries.map((d) => ({ platform: d.platform, total: d.total, by_status: d.byStatus })),
        metrics: { totals: s.metrics.totals, by_platform: s.metrics.byPlatform, deliveries_read: s.metrics.deliveriesRead },
      };
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/posts/:id/analytics',
    {
      config: { scope: 'posts:write' },
      schema: { tags, summary: 'Read the post’s metrics from each platform now (checkpoint "manual")', params: IdParams, response: { 200: PostView } },
    },
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
      return postView(
        fresh,
        undefined,
        await readingsOf(
          db,
          fresh.deliveries.map((d) => d.id),
        ),
      );
    },
  );
}
