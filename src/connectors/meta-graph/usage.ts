import type { Clock } from '../../shared/index.js';

/**
 * What Meta's usage headers say, kept per process: `X-App-Usage` (the app's share of its hourly
 * Platform limit, per host) and `X-Business-Use-Case-Usage` (per Page or Instagram account, with
 * the minutes until access comes back once over). Writes for an object whose usage is at or over
 * `SLOW_DOWN_AT` percent wait (a rate-limited error before any call) instead of being refused.
 */
export const SLOW_DOWN_AT = 95;
/** When Meta gives no time to regain access, the pause taken once usage is that high. */
const DEFAULT_PAUSE_MS = 10 * 60_000;

interface Reading {
  percent: number;
  until: number;
  header: string;
}
const readings = new Map<string, Reading>();

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const percentOf = (u: Record<string, unknown>) => Math.max(num(u.call_count), num(u.total_cputime), num(u.total_time));

function parse(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Records the usage headers of one answer. `appKey` names the app on its host. */
export function recordUsage(headers: Headers, appKey: string, clock: Clock): void {
  const now = clock.now();
  const app = parse(headers.get('x-app-usage'));
  if (app && typeof app === 'object') note(`app:${appKey}`, percentOf(app as Record<string, unknown>), 0, 'X-App-Usage', now);
  const buc = parse(headers.get('x-business-use-case-usage'));
  if (buc && typeof buc === 'object') {
    for (const [id, entries] of Object.entries(buc as Record<string, unknown>)) {
      for (const e of Array.isArray(entries) ? (entries as Array<Record<string, unknown>>) : []) {
        note(`buc:${id}`, percentOf(e), num(e.estimated_time_to_regain_access) * 60_000, 'X-Business-Use-Case-Usage', now);
      }
    }
  }
}

function note(key: string, percent: number, regainMs: number, header: string, now: number) {
  if (percent < SLOW_DOWN_AT) {
    readings.delete(key);
    return;
  }
  readings.set(key, { percent, until: now + (regainMs > 0 ? regainMs : DEFAULT_PAUSE_MS), header });
}

/** Whether a write touching these object ids (and this app) should wait, and until when. */
export function mustWait(appKey: string, objectIds: string[], clock: Clock): Reading | undefined {
  const now = clock.now();
  for (const key of [`app:${appKey}`, ...objectIds.map((id) => `buc:${id}`)]) {
    const r = readings.get(key);
    if (!r) continue;
    if (r.until <= now) readings.delete(key);
    else return r;
  }
  return undefined;
}
