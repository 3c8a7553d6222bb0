import type { AnalyticsCapability, PlatformConfig } from '../contract.js';
import type { PinterestClient } from './client.js';

/** What Pinion reads and how it names it: the four counts a marketer looks at first. */
const METRICS: Record<string, string> = { IMPRESSION: 'impressions', SAVE: 'saves', OUTBOUND_CLICK: 'outbound_clicks', PIN_CLICK: 'pin_clicks' };

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Pin analytics, read at 1, 7 and 30 days after publishing: the summary over whole UTC days from
 * the day of publishing to the day read (Pinterest keeps 90 days of pin analytics).
 */
export function pinterestAnalytics(client: (config: PlatformConfig) => PinterestClient): AnalyticsCapability {
  return {
    checkpointDays: [1, 7, 30],
    // Pin analytics count against org_analytics (the spec's x-ratelimit-category), not the reads publishing makes; a third of it is Pinion's.
    readBudget: { category: 'org_analytics', limit: 100, windowSeconds: 60 },
    async read(ctx, externalId, range) {
      const answer = await ctx.withToken((token) =>
        client(ctx.config).pinAnalytics(token, externalId, { startDate: day(range.from), endDate: day(range.until), metricTypes: Object.keys(METRICS) }),
      );
      const summary = answer.ALL?.summary_metrics ?? Object.values(answer)[0]?.summary_metrics ?? {};
      return Object.fromEntries(Object.entries(METRICS).map(([theirs, ours]) => [ours, Number(summary[theirs] ?? 0)]));
    },
  };
}
