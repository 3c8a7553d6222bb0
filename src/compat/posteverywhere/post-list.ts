import type { PeCall } from './context.js';
import { peValidation } from './errors.js';
import { accountByNumber } from './accounts.js';
import { pinionPlatform } from './platform-names.js';
import { campaignIdOf, postView } from './post-shape.js';
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
/** PostEverywhere's time filters and Pinion's. */
const RANGES: Record<string, string> = {
  created_after: 'created_from',
  created_before: 'created_to',
  scheduled_after: 'scheduled_from',
  scheduled_before: 'scheduled_to',
  published_after: 'published_from',
  published_before: 'published_to',
};
const SORTS: Record<string, string> = { created_at: 'created_at', scheduled_for: 'scheduled_at', published_at: 'published_at' };
const OTHERS = new Set(['status', 'platform', 'account_id', 'campaign_id', 'search', 'sort', 'order', 'limit', 'offset']);

const list = (raw: string | undefined) =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function count(raw: string | undefined, field: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw peValidation(field, `must be a whole number from 0 to ${max}`);
  return n;
}

const firstPublished = (p: NativePost) =>
  p.deliveries
    .map((d) => d.published_at)
    .filter((t): t is string => t !== null)
    .sort()[0];

/**
 * GET /posts with PostEverywhere's filters and offset paging over Pinion's list. Pinion's filters take
 * one status and one platform: several are one native listing each, merged in the order asked for.
 */
export async function listPosts(call: PeCall, q: Record<string, string>) {
  for (const field of Object.keys(q)) {
    if (field === 'updated_after')
      throw peValidation(field, 'is not supported: Pinion lists by created, scheduled and published time (created_after, scheduled_after, published_after)');
    if (!OTHERS.has(field) && !RANGES[field]) throw peValidation(field, 'is not a known filter');
  }
  const limit = count(q.limit, 'limit', 20, 100) || 20;
  const offset = count(q.offset, 'offset', 0, 1_000_000);
  const statuses = list(q.status).map((s) => {
    const mapped = STATUSES[s];
    if (!mapped) throw peValidation('status', `has an unknown status "${s}" (known: ${Object.keys(STATUSES).join(', ')})`);
    return mapped;
  });
  const platforms = list(q.platform).map((p) => pinionPlatform(p) ?? p);
  const sort = q.sort === undefined ? 'scheduled_for' : q.sort;
  if (!SORTS[sort]) throw peValidation('sort', `must be one of: ${Object.keys(SORTS).join(', ')}`);
  const order = q.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw peValidation('order', 'must be asc or desc');

  const common = new URLSearchParams({ sort: SORTS[sort]!, order });
  for (const [pe, native] of Object.entries(RANGES)) if (q[pe] !== undefined) common.set(native, q[pe]!);
  if (q.search !== undefined) common.set('q', q.search);
  if (q.account_id !== undefined) common.set('account_id', (await accountByNumber(call, count(q.account_id, 'account_id', 0, Number.MAX_SAFE_INTEGER))).id);
  if (q.campaign_id !== undefined) common.set('campaign_id', await campaignIdOf(call, Number(q.campaign_id)));

  const wantedStatuses = statuses.length ? [...new Set(statuses.flat())] : [undefined];
  const wantedPlatforms = platforms.length ? platforms : [undefined];
  const byId = new Map<string, NativePost>();
  for (const status of wantedStatuses) {
    for (const platform of wantedPlatforms) {
      const params = new URLSearchParams(common);
      if (status) params.set('status', status);
      if (platform) params.set('platform', platform);
      for (const p of await call.native.all<NativePost>(`/posts?${params}`)) byId.set(p.id, p);
    }
  }
  // Posts not published yet come last in either order, as in Pinion's own list.
  const notYet = order === 'asc' ? '\uffff' : '';
  const key = (p: NativePost) => (sort === 'created_at' ? p.created_at : sort === 'published_at' ? (firstPublished(p) ?? notYet) : p.scheduled_at);
  const all = [...byId.values()].sort((a, b) => (order === 'asc' ? 1 : -1) * (key(a).localeCompare(key(b)) || a.id.localeCompare(b.id)));
  const posts = [];
  for (const p of all.slice(offset, offset + limit)) posts.push(await postView(call, p));
  return { posts, total: all.length, limit, offset };
}
