export type RateLimitCategory = 'org_read' | 'org_write';

export interface RateLimitBudget {
  limit: number;
  windowSeconds: number;
}

// Standard access per SUMMARY §8 (third-party quotes, unverified): org_write 100/min, org_read 1000/min per user per app.
export const DEFAULT_BUDGETS: Record<RateLimitCategory, RateLimitBudget> = {
  org_write: { limit: 100, windowSeconds: 60 },
  org_read: { limit: 1000, windowSeconds: 60 },
};

/** Pinterest's universal limit for Standard access: "100 requests per second per user per app" (rate-limits page, SUMMARY §8). */
export const DEFAULT_PER_SECOND: RateLimitBudget = { limit: 100, windowSeconds: 1 };

/** One window's state after a call. */
export interface WindowState {
  limit: number;
  windowSeconds: number;
  remaining: number;
  /** Whole seconds until the window resets. */
  resetSeconds: number;
}

export interface RateLimitOutcome {
  allowed: boolean;
  /** The universal per-second window, then the category's window. */
  perSecond: WindowState;
  category: WindowState;
}

/**
 * How the x-ratelimit-* headers are written:
 * - `structured` (default): the list production sends, `X-RateLimit-Limit: 100, 100;w=1, 1000;w=60`, whose first item,
 *   and `Remaining`/`Reset`, describe the per-second window even when the per-minute one is what ran out (the reading
 *   that makes a naive client retry after 1 s and loop);
 * - `nearest`: the same list, but the first item is the window nearest exhaustion (the IETF draft's reading);
 * - `plain`: the category window alone as single numbers (`100`, `97`, `42`), the form third-party notes describe.
 */
export type RateLimitHeaderStyle = 'structured' | 'nearest' | 'plain';

export function rateLimitHeaders(outcome: RateLimitOutcome, style: RateLimitHeaderStyle): Record<string, string> {
  const { perSecond, category } = outcome;
  const described = style === 'plain' ? category : style === 'nearest' && category.remaining < perSecond.remaining ? category : perSecond;
  const limit =
    style === 'plain'
      ? String(category.limit)
      : `${described.limit}, ${perSecond.limit};w=${perSecond.windowSeconds}, ${category.limit};w=${category.windowSeconds}`;
  return { 'x-ratelimit-limit': limit, 'x-ratelimit-remaining': String(described.remaining), 'x-ratelimit-reset': String(described.resetSeconds) };
}

/** Fixed windows per (subject, category), plus one per-second window per subject; a subject is a user and app, or a client id. */
export class RateLimiter {
  private readonly budgets: Record<RateLimitCategory, RateLimitBudget>;
  private readonly windows = new Map<string, { startedAt: number; used: number }>();

  constructor(
    overrides: Partial<Record<RateLimitCategory, RateLimitBudget>> = {},
    private readonly perSecond: RateLimitBudget = DEFAULT_PER_SECOND,
  ) {
    this.budgets = { ...DEFAULT_BUDGETS, ...overrides };
  }

  /** Counts the call in both windows when both have room; a refused call uses up neither. */
  take(subject: string, category: RateLimitCategory, now = Date.now()): RateLimitOutcome {
    const second = this.window(`second\u0000${subject}`, this.perSecond, now);
    const budget = this.budgets[category];
    const cat = this.window(`${category}\u0000${subject}`, budget, now);
    const allowed = second.entry.used < this.perSecond.limit && cat.entry.used < budget.limit;
    if (allowed) {
      second.entry.used += 1;
      cat.entry.used += 1;
    }
    const state = (w: typeof second, b: RateLimitBudget): WindowState => ({
      limit: b.limit,
      windowSeconds: b.windowSeconds,
      remaining: Math.max(0, b.limit - w.entry.used),
      resetSeconds: w.resetSeconds,
    });
    return { allowed, perSecond: state(second, this.perSecond), category: state(cat, budget) };
  }

  private window(key: string, budget: RateLimitBudget, now: number) {
    const windowMs = budget.windowSeconds * 1000;
    let entry = this.windows.get(key);
    if (!entry || now - entry.startedAt >= windowMs) {
      entry = { startedAt: now, used: 0 };
      this.windows.set(key, entry);
    }
    return { entry, resetSeconds: Math.max(1, Math.ceil((entry.startedAt + windowMs - now) / 1000)) };
  }

  reset(): void {
    this.windows.clear();
  }
}
