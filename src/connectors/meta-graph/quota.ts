import { ConnectorError } from '../errors.js';

/** Instagram's `content_publishing_limit` and Threads' `threads_publishing_limit` answer. */
export interface PublishingLimit {
  data?: Array<{
    quota_usage?: number;
    config?: { quota_total?: number; quota_duration?: number };
    reply_quota_usage?: number;
    reply_config?: { quota_total?: number; quota_duration?: number };
  }>;
}

/**
 * Refuses (rate-limited, with the time to try again) a publish the account's rolling publishing
 * quota has no room for, so the delivery waits for the window visibly instead of failing. `recent`
 * lists the times (epoch ms) of the account's latest posts: the window frees up when the oldest
 * counted post leaves it; without them Pinion looks again in an hour.
 */
export function checkQuota(platform: string, limit: PublishingLimit, opts: { now: number; recent?: number[]; replies?: boolean; fallbackTotal: number }): void {
  const d = limit.data?.[0];
  const used = (opts.replies ? d?.reply_quota_usage : d?.quota_usage) ?? 0;
  const cfg = opts.replies ? d?.reply_config : d?.config;
  const total = cfg?.quota_total ?? opts.fallbackTotal;
  const windowMs = (cfg?.quota_duration ?? 86_400) * 1000;
  if (used < total) return;
  const inWindow = (opts.recent ?? []).filter((t) => t > opts.now - windowMs).sort((a, b) => a - b);
  // The post that must leave the window before one more fits: the (used - total + 1)th oldest counted.
  const leaving = inWindow[Math.max(0, inWindow.length - total)];
  const retryAt = new Date(Math.max(opts.now + 60_000, leaving !== undefined ? leaving + windowMs : opts.now + 3600_000));
  throw new ConnectorError(
    'rate_limited',
    `${platform}: this account has used its publishing quota (${used} of ${total} ${opts.replies ? 'replies' : 'posts'} in ${windowMs / 3600_000} h); Pinion publishes when the window has room again, at ${retryAt.toISOString()}`,
    { retryAt },
  );
}
