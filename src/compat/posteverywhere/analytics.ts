import type { FastifyInstance } from 'fastify';
import { peCall, type PeDeps } from './context.js';
import { peValidation } from './errors.js';
import { ok } from './reply.js';
import { POST_STATUS } from './post-shape.js';
import { PE_METRICS } from './metric-names.js';

interface NativeSummary {
  from: string | null;
  to: string | null;
  posts: { total: number; by_status: Record<string, number> };
  deliveries: Array<{ platform: string; total: number; by_status: Record<string, number> }>;
  metrics: { totals: Record<string, number>; by_platform: Record<string, Record<string, number>>; deliveries_read: number };
}

const DAY_MS = 86_400_000;

function periodRange(q: Record<string, string>, now: number): { period: string; from?: number; to: number } {
  const period = q.period ?? (q.from || q.to ? 'custom' : 'month');
  const time = (field: 'from' | 'to') => {
    const raw = q[field];
    if (raw === undefined) return undefined;
    const t = Date.parse(raw);
    if (Number.isNaN(t) || !/(Z|[+-]\d{2}:?\d{2})$|^\d{4}-\d{2}-\d{2}$/i.test(raw))
      throw peValidation(field, 'must be an ISO 8601 date or time with an offset');
    return t;
  };
  switch (period) {
    case 'today':
      return { period, from: Math.floor(now / DAY_MS) * DAY_MS, to: now };
    case 'week':
      return { period, from: now - 7 * DAY_MS, to: now };
    case 'month':
      return { period, from: now - 30 * DAY_MS, to: now };
    case 'all':
      return { period, to: now };
    case 'custom': {
      const from = time('from');
      if (from === undefined) throw peValidation('from', 'is required for period=custom');
      return { period, from, to: time('to') ?? now };
    }
    default:
      throw peValidation('period', 'must be one of: today, week, month, all, custom');
  }
}

/** The sum of every Pinion metric PostEverywhere's name stands for. */
const peMetrics = (totals: Record<string, number>) =>
  Object.fromEntries(Object.entries(PE_METRICS).map(([pe, names]) => [pe, names.reduce((sum, n) => sum + (totals[n] ?? 0), 0)])) as Record<
    keyof typeof PE_METRICS,
    number
  >;

export async function analyticsRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  app.get<{ Querystring: Record<string, string> }>('/analytics/summary', async (request, reply) => {
    const r = periodRange(request.query, Date.now());
    // `all` has no bounds: posts due later count too.
    const params = new URLSearchParams(
      r.period === 'all' ? {} : { to: new Date(r.to + 1).toISOString(), ...(r.from !== undefined ? { from: new Date(r.from).toISOString() } : {}) },
    );
    const s = await peCall(deps, request).native.get<NativeSummary>(`/analytics/summary?${params}`);
    const posts: Record<string, number> = {
      total: s.posts.total,
      draft: 0,
      scheduled: 0,
      publishing: 0,
      published: 0,
      partially_failed: 0,
      failed: 0,
      cancelled: 0,
    };
    for (const [status, n] of Object.entries(s.posts.by_status)) posts[POST_STATUS[status] ?? status] = (posts[POST_STATUS[status] ?? status] ?? 0) + n;
    const byStatus = (d: NativeSummary['deliveries'][number], ...names: string[]) => names.reduce((sum, n) => sum + (d.by_status[n] ?? 0), 0);
    return ok(reply, {
      period: r.period,
      range: { from: r.from === undefined ? null : new Date(r.from).toISOString(), to: new Date(r.to).toISOString() },
      posts,
      by_platform: s.deliveries.map((d) => ({
        platform: d.platform,
        total: d.total,
        scheduled: byStatus(d, 'scheduled', 'publishing', 'awaiting_check'),
        published: byStatus(d, 'published'),
        failed: byStatus(d, 'failed', 'needs_attention'),
      })),
      metrics: peMetrics(s.metrics.totals),
      ai_credits: { used_this_period: 0, bonus: 0 },
      pinion_metrics: s.metrics,
    });
  });
}
