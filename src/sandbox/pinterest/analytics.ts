import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { pathId } from './input.js';
import { defineOperation } from './operation.js';

const STANDARD = ['IMPRESSION', 'OUTBOUND_CLICK', 'PIN_CLICK', 'SAVE', 'SAVE_RATE', 'TOTAL_COMMENTS', 'TOTAL_REACTIONS', 'USER_FOLLOW', 'PROFILE_VISIT'];
const DAY = 86_400_000;

/** A pin's daily numbers: fixed per pin id and day, so the same question always gets the same answer. */
function dailyMetrics(pinId: string, day: string): Record<string, number> {
  const h = createHash('sha256').update(`${pinId}/${day}`).digest();
  const impressions = 40 + (h[0]! % 160);
  const pinClicks = Math.floor((impressions * (2 + (h[1]! % 6))) / 100);
  const outbound = Math.floor((impressions * (1 + (h[2]! % 4))) / 100);
  const saves = Math.floor((impressions * (1 + (h[3]! % 5))) / 100);
  return {
    IMPRESSION: impressions,
    PIN_CLICK: pinClicks,
    OUTBOUND_CLICK: outbound,
    SAVE: saves,
    SAVE_RATE: impressions ? saves / impressions : 0,
    USER_FOLLOW: h[4]! % 2,
    PROFILE_VISIT: h[5]! % 4,
  };
}

const isDate = (s: unknown): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/**
 * GET /v5/pins/{pin_id}/analytics (PinAnalyticsResponse keyed by app type). Plausible numbers,
 * deterministic per pin and day; days before the range's start or from the future are absent.
 * Unverified: the production rate category is org_analytics; the sandbox counts it as a read.
 */
export function registerAnalyticsRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  defineOperation(
    app,
    ctx,
    { method: 'GET', path: '/pins/{pin_id}/analytics', category: 'org_read', scopes: ['boards:read', 'pins:read'] },
    async ({ request, user }) => {
      const pin = ctx.state.pins.get(pathId(request.params, 'pin_id'));
      if (!pin || pin.ownerId !== user.id) throw errors.pinNotFound();
      const q = request.query as Record<string, unknown>;
      if (!isDate(q.start_date) || !isDate(q.end_date)) throw errors.invalidParameters('start_date and end_date are required dates (YYYY-MM-DD)');
      if (typeof q.metric_types !== 'string' || !q.metric_types) throw errors.invalidParameters('metric_types is required');
      const wanted = q.metric_types.split(',');
      const unknown = wanted.filter((m) => !STANDARD.includes(m));
      if (unknown.length) throw errors.invalidParameters(`unknown metric_types ${unknown.join(',')}`);
      const start = Date.parse(`${q.start_date}T00:00:00Z`);
      const end = Date.parse(`${q.end_date}T00:00:00Z`);
      if (end < start || end - start > 90 * DAY) throw errors.invalidParameters('end_date must be on or after start_date, at most 90 days later');
      const daily: Array<{ date: string; data_status: string; metrics: Record<string, number> }> = [];
      const summary: Record<string, number> = Object.fromEntries(wanted.map((m) => [m, 0]));
      for (let t = start; t <= end; t += DAY) {
        const date = new Date(t).toISOString().slice(0, 10);
        const all = dailyMetrics(pin.id, date);
        const metrics = Object.fromEntries(wanted.filter((m) => m in all).map((m) => [m, all[m]!]));
        daily.push({ date, data_status: 'READY', metrics });
        for (const [m, v] of Object.entries(metrics)) if (m !== 'SAVE_RATE') summary[m]! += v;
      }
      if ('SAVE_RATE' in summary) summary.SAVE_RATE = summary.IMPRESSION ? (summary.SAVE ?? 0) / summary.IMPRESSION : 0;
      return { status: 200, body: { ALL: { daily_metrics: daily, summary_metrics: summary, lifetime_metrics: { TOTAL_COMMENTS: 0, TOTAL_REACTIONS: 0 } } } };
    },
  );
}
