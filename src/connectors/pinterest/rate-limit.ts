/**
 * Pinterest's rate-limit headers in the structured form of the IETF RateLimit header draft:
 *   X-RateLimit-Limit: 100, 100;w=1, 1000;w=60
 *   X-RateLimit-Remaining: 97
 *   X-RateLimit-Reset: 1
 * The first bare number is the limit of the window `Remaining` and `Reset` describe; the items
 * with `w` are every policy in force (limit per window of w seconds). A plain `100` is the old
 * single-window form and still parses.
 */
export interface RateLimitPolicy {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  /** The limit `remaining` and `resetSeconds` refer to (the first item), if given. */
  limit: number | null;
  /** Every window the platform listed, per-second and per-minute alike. */
  policies: RateLimitPolicy[];
  remaining: number | null;
  resetSeconds: number | null;
}

const count = (raw: string | null | undefined): number | null => {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const n = Number(raw.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
};

export function parseRateLimit(headers: Headers): RateLimitState {
  const policies: RateLimitPolicy[] = [];
  let limit: number | null = null;
  for (const item of (headers.get('x-ratelimit-limit') ?? '').split(',')) {
    const [value, ...params] = item.split(';').map((p) => p.trim());
    const quota = count(value);
    if (quota === null) continue;
    const window = params.map((p) => /^w\s*=\s*(\d+)$/i.exec(p)?.[1]).find((w) => w !== undefined);
    if (window !== undefined) policies.push({ limit: quota, windowSeconds: Number(window) });
    else if (limit === null) limit = quota;
  }
  if (limit === null && policies.length === 1) limit = policies[0]!.limit;
  // Remaining and reset may be lists too in some drafts: their first item describes the same window as the limit.
  const first = (name: string) => count(headers.get(name)?.split(',')[0]?.split(';')[0]);
  return { limit, policies, remaining: first('x-ratelimit-remaining'), resetSeconds: first('x-ratelimit-reset') ?? first('retry-after') };
}

/**
 * How long to wait after an ordinary 429. `Reset` describes one window, often the per-second one;
 * when that window still has room (or we cannot tell), the 429 came from another window, and
 * retrying at its 1 s reset would only meet the same 429 again: wait out the longest window listed.
 */
export function waitAfterRateLimit(state: RateLimitState, fallbackMs = 60_000): number {
  const longest = Math.max(0, ...state.policies.map((p) => p.windowSeconds));
  const reset = state.resetSeconds;
  const resetDescribesTheFullWindow = state.remaining === 0 || state.policies.length <= 1;
  if (reset !== null && resetDescribesTheFullWindow) return Math.max(1, reset) * 1000;
  if (longest > 0) return Math.max(longest, reset ?? 0) * 1000;
  return reset !== null && reset > 0 ? reset * 1000 : fallbackMs;
}
