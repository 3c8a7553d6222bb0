export interface RateLimitBudget {
  limit: number;
  windowSeconds: number;
}

/** `user` is counted per (user, app); `app` across all users of an app. null switches a budget off. */
export interface EndpointLimits {
  user?: RateLimitBudget | null;
  app?: RateLimitBudget | null;
}

const per15Min = (limit: number): RateLimitBudget => ({ limit, windowSeconds: 15 * 60 });
const per24H = (limit: number): RateLimitBudget => ({ limit, windowSeconds: 24 * 3600 });

/**
 * docs x-api/fundamentals/rate-limits.mdx ("Per User" with user tokens; the per-app 24 h caps apply to all users of
 * the app). POST /2/tweets: that page says 100/15 min per user; manage-tweets/integrate.mdx says 200 — the stricter wins.
 */
export const DEFAULT_RATE_LIMITS = {
  'POST /2/tweets': { user: per15Min(100), app: per24H(10_000) },
  'DELETE /2/tweets/{id}': { user: per15Min(50) },
  'GET /2/tweets/{id}': { user: per15Min(900) },
  'GET /2/users/{id}/tweets': { user: per15Min(900) },
  'GET /2/users/me': { user: per15Min(75) },
  'POST /2/media/upload': { user: per15Min(500), app: per24H(50_000) },
  'GET /2/media/upload': { user: per15Min(1_000), app: per24H(100_000) },
  'POST /2/media/upload/initialize': { user: per15Min(1_875), app: per24H(180_000) },
  'POST /2/media/upload/{id}/append': { user: per15Min(1_875), app: per24H(180_000) },
  'POST /2/media/upload/{id}/finalize': { user: per15Min(1_875), app: per24H(180_000) },
  'POST /2/media/metadata': { user: per15Min(500), app: per24H(50_000) },
} satisfies Record<string, EndpointLimits>;

export type XOperation = keyof typeof DEFAULT_RATE_LIMITS;

export interface WindowState {
  budget: RateLimitBudget;
  remaining: number;
  /** Epoch seconds at which the window resets, as X's x-rate-limit-reset. */
  resetAt: number;
}

export interface RateLimitOutcome {
  allowed: boolean;
  user: WindowState | null;
  app: WindowState | null;
}

/** Fixed windows: a window opens on the first call and everything resets when it ends. */
export class RateLimiter {
  private readonly limits: Record<string, EndpointLimits>;
  private readonly windows = new Map<string, { startedAt: number; used: number }>();

  constructor(overrides: Partial<Record<XOperation, EndpointLimits>> = {}) {
    this.limits = { ...DEFAULT_RATE_LIMITS };
    for (const [operation, limits] of Object.entries(overrides)) this.limits[operation] = { ...this.limits[operation], ...limits };
  }

  /** Spends one call from every window that applies, or none when any of them is exhausted. */
  take(operation: string, userKey: string, appKey: string, now: number): RateLimitOutcome {
    const limits = this.limits[operation] ?? {};
    const open = (budget: RateLimitBudget | null | undefined, key: string) => {
      if (!budget) return null;
      const id = `${operation}\u0000${key}`;
      let window = this.windows.get(id);
      if (!window || now - window.startedAt >= budget.windowSeconds * 1000) {
        window = { startedAt: now, used: 0 };
        this.windows.set(id, window);
      }
      return { window, budget };
    };
    const slots = [open(limits.user, userKey), open(limits.app, appKey)];
    const allowed = slots.every((s) => s === null || s.window.used < s.budget.limit);
    if (allowed) for (const s of slots) if (s) s.window.used += 1;
    const view = (s: (typeof slots)[number]): WindowState | null =>
      s && {
        budget: s.budget,
        remaining: Math.max(0, s.budget.limit - s.window.used),
        resetAt: Math.ceil((s.window.startedAt + s.budget.windowSeconds * 1000) / 1000),
      };
    return { allowed, user: view(slots[0] ?? null), app: view(slots[1] ?? null) };
  }

  reset(): void {
    this.windows.clear();
  }
}
