import type { PeCall } from './context.js';
import { PeError, peValidation } from './errors.js';
import { pinionPlatform } from './platform-names.js';
import { postView } from './post-shape.js';
import type { NativePost } from './native-types.js';

/** PostEverywhere's list statuses (destination ones for list(), post ones for listAdvanced()) as Pinion's post statuses. */
const STATUSES: Record<string, string[]> = {
  queued: ['scheduled', 'publishing'],
  done: ['published'],
  failed: ['failed', 'partially_published'],
  scheduled: ['scheduled'],
  publishing: ['publishing'],
  published: ['published'],
  partially_failed: ['partially_published'],
  cancelled: ['cancelled'],
  // Pinion has no drafts: nothing is ever one.
  draft: [],
};
const SUPPORTED = new Set(['status', 'platform', 'scheduled_after', 'scheduled_before', 'limit', 'offset']);

const list = (raw: string | undefined) => (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function count(raw: string | undefined, field: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw peValidation(field, `must be a whole number from 0 to ${max}`);
  return n;
}

/**
 * GET /posts with PostEverywhere's filters and offset paging over Pinion's list: one native listing
 * per status and platform asked for (Pinion's filters take one of each), merged in due order.
 */
export async function listPosts(call: PeCall, q: Record<string, string>) {
  const unsupported = Object.keys(q).filter((k) => !SUPPORTED.has(k));
  if (unsupported.length) {
    throw new PeError(400, 'validation_error', `Filter(s) not supported by this Pinion: ${unsupported.join(', ')}`, { errors: unsupported.map((field) => ({ field, message: 'is not a filter Pinion supports yet' })) });
  }
  const limit = count(q.limit, 'limit', 20, 100) || 20;
  const offset = count(q.offset, 'offset', 0, 1_000_000);
  const statuses = list(q.status).map((s) => {
    const mapped = STATUSES[s];
    if (!mapped) throw peValidation('status', `has an unknown status "${s}" (known: ${Object.keys(STATUSES).join(', ')})`);
    return mapped;
  });
  const platforms = list(q.platform).map((p) => pinionPlatform(p) ?? p);
  const range = new URLSearchParams();
  for (const [field, param] of [['scheduled_after', 'from'], ['scheduled_before', 'to']] as const) {
    if (q[field] === undefined) continue;
    const t = Date.parse(q[field]!);
    if (Number.isNaN(t) || !/(Z|[+-]\d{2}:?\d{2})$/i.test(q[field]!)) throw peValidation(field, 'must be an ISO 8601 time with an offset (2026-04-01T09:00:00Z)');
    range.set(param, new Date(t).toISOString());
  }
  const wantedStatuses = statuses.length ? [...new Set(statuses.flat())] : [undefined];
  const wantedPlatforms = platforms.length ? platforms : [undefined];
  const byId = new Map<string, NativePost>();
  for (const status of wantedStatuses) {
    for (const platform of wantedPlatforms) {
      const params = new URLSearchParams(range);
      if (status) params.set('status', status);
      if (platform) params.set('platform', platform);
      for (const p of await call.native.all<NativePost>(`/posts?${params}`)) byId.set(p.id, p);
    }
  }
  const all = [...byId.values()].sort((a, b) => a.scheduled_at.localeCompare(b.scheduled_at) || a.id.localeCompare(b.id));
  const posts = [];
  for (const p of all.slice(offset, offset + limit)) posts.push(await postView(call, p));
  return { posts, total: all.length, limit, offset };
}
