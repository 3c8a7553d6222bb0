export type RateCategory = 'init' | 'creator_info' | 'status' | 'other';

/** Per access token, per minute, sliding (TikTok's rate limit page); init is shared by video, inbox and photo inits. */
export const DEFAULT_LIMITS: Record<RateCategory, number> = { init: 6, creator_info: 20, status: 30, other: 600 };

export class RateLimiter {
  private readonly limits: Record<RateCategory, number>;
  private readonly calls = new Map<string, number[]>();

  constructor(
    overrides: Partial<Record<RateCategory, number>> = {},
    private readonly windowMs = 60_000,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...overrides };
  }

  /** True when the call may go ahead (and counts it). */
  take(token: string, category: RateCategory, now = Date.now()): boolean {
    const key = `${category}\u0000${token}`;
    const recent = (this.calls.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.limits[category]) {
      this.calls.set(key, recent);
      return false;
    }
    recent.push(now);
    this.calls.set(key, recent);
    return true;
  }

  reset(): void {
    this.calls.clear();
  }
}
