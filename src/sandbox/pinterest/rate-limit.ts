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

export interface RateLimitOutcome {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window resets. */
  resetSeconds: number;
}

/** Fixed windows per (subject, category); a subject is a user id, or a client id for the token endpoint. */
export class RateLimiter {
  private readonly budgets: Record<RateLimitCategory, RateLimitBudget>;
  private readonly windows = new Map<string, { startedAt: number; used: number }>();

  constructor(overrides: Partial<Record<RateLimitCategory, RateLimitBudget>> = {}) {
    this.budgets = { ...DEFAULT_BUDGETS, ...overrides };
  }

  take(subject: string, category: RateLimitCategory, now = Date.now()): RateLimitOutcome {
    const budget = this.budgets[category];
    const windowMs = budget.windowSeconds * 1000;
    const key = `${category}\u0000${subject}`;
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= windowMs) {
      window = { startedAt: now, used: 0 };
      this.windows.set(key, window);
    }
    const resetSeconds = Math.max(0, Math.ceil((window.startedAt + windowMs - now) / 1000));
    if (window.used >= budget.limit) {
      return { allowed: false, limit: budget.limit, remaining: 0, resetSeconds };
    }
    window.used += 1;
    return { allowed: true, limit: budget.limit, remaining: budget.limit - window.used, resetSeconds };
  }

  reset(): void {
    this.windows.clear();
  }
}
