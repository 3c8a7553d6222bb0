import type { Kysely } from 'kysely';
import { connectorFor, type DuplicateRule, type FieldIssue } from '../connectors/index.js';
import type { Database } from '../store/index.js';

/** Delivery states that still count as a post the platform has or will have. */
export const LIVE = ['scheduled', 'publishing', 'awaiting_check', 'needs_attention', 'published'] as const;
/** Rows read per lookup at most: this is advice, and a batch's window is bounded. */
const MAX_ROWS = 5000;
const KEYS_PER_QUERY = 500;

/** The key a platform's duplicate rule gives a payload, stored with each delivery ('' when no rule applies). */
export const duplicateKey = (platform: string, payload: unknown): string => connectorFor(platform).duplicates?.key(payload) ?? '';

export const duplicateWarning = (platform: string, rule: DuplicateRule, earlier: { post_id: string; scheduled_at: number | string }): FieldIssue => ({
  field: `platform_options.${platform}`,
  message: `${rule.what} as post ${earlier.post_id} (${new Date(Number(earlier.scheduled_at)).toISOString()}), within ${rule.windowDays} days: the platform may treat it as spam; space them further apart`,
});

interface Wanted {
  post: number;
  platform: string;
  rule: DuplicateRule;
  key: string;
  when: number;
  window: number;
}
type Row = { post_id: string; scheduled_at: number; key: string };

/**
 * The duplicate warnings of many new posts at once (a bulk or CSV import), as findDuplicates gives
 * them one post at a time: per account, one query for every key the batch names, instead of two a
 * post. Only stored posts count, as for a single post.
 */
export async function findDuplicatesMany(
  db: Kysely<Database>,
  posts: Array<{ at: number; deliveries: Array<{ platform: string; account: { id: string }; payload: unknown; offsetMs: number }> }>,
): Promise<FieldIssue[][]> {
  const out = posts.map((): FieldIssue[] => []);
  const byAccount = new Map<string, Wanted[]>();
  posts.forEach((p, post) => {
    for (const d of p.deliveries) {
      const rule = connectorFor(d.platform).duplicates;
      const key = rule?.key(d.payload);
      if (!rule || !key) continue;
      const group = `${d.account.id}\n${d.platform}`;
      if (!byAccount.has(group)) byAccount.set(group, []);
      byAccount.get(group)!.push({ post, platform: d.platform, rule, key, when: p.at + d.offsetMs, window: rule.windowDays * 86_400_000 });
    }
  });
  for (const [group, wanted] of byAccount) {
    const [accountId, platform] = group.split('\n') as [string, string];
    const from = Math.min(...wanted.map((w) => w.when - w.window));
    const to = Math.max(...wanted.map((w) => w.when + w.window));
    const near = db
      .selectFrom('deliveries')
      .where('account_id', '=', accountId)
      .where('platform', '=', platform)
      .where('status', 'in', LIVE)
      .where('scheduled_at', '>', from)
      .where('scheduled_at', '<', to);
    const rows: Row[] = [];
    const keys = [...new Set(wanted.map((w) => w.key))];
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const keyed = await near
        .select(['post_id', 'scheduled_at', 'duplicate_key'])
        .where('duplicate_key', 'in', keys.slice(i, i + KEYS_PER_QUERY))
        .orderBy('scheduled_at')
        .limit(MAX_ROWS)
        .execute();
      rows.push(...keyed.map((r) => ({ post_id: r.post_id, scheduled_at: Number(r.scheduled_at), key: r.duplicate_key! })));
    }
    // Deliveries stored before they carried their key: judged by their payload.
    const rule = wanted[0]!.rule;
    const older = await near
      .select(['post_id', 'scheduled_at', 'payload'])
      .where('duplicate_key', 'is', null)
      .orderBy('scheduled_at')
      .limit(MAX_ROWS)
      .execute();
    for (const r of older) {
      const key = rule.key(JSON.parse(r.payload));
      if (key) rows.push({ post_id: r.post_id, scheduled_at: Number(r.scheduled_at), key });
    }
    const byKey = new Map<string, Row[]>();
    for (const r of rows) (byKey.get(r.key) ?? byKey.set(r.key, []).get(r.key)!).push(r);
    for (const w of wanted) {
      const earliest = (byKey.get(w.key) ?? [])
        .filter((r) => r.scheduled_at > w.when - w.window && r.scheduled_at < w.when + w.window)
        .reduce<Row | undefined>((a, r) => (!a || r.scheduled_at < a.scheduled_at ? r : a), undefined);
      if (earliest) out[w.post]!.push(duplicateWarning(w.platform, w.rule, earliest));
    }
  }
  return out;
}
