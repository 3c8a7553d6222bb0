import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { connectorFor, type DuplicateRule, type FieldIssue } from '../connectors/index.js';
import type { Database } from '../store/index.js';

/** Delivery states that still count as a post the platform has or will have. */
const LIVE = ['scheduled', 'publishing', 'awaiting_check', 'needs_attention', 'published'] as const;
// Written into the SQL rather than bound: SQLite builds a temporary table for a list of bound values on every run
// (measured: 18 µs for the lookup against 5 µs with the list written out).
const LIVE_IN_SQL = LIVE.map((s) => sql.lit(s));
/** The delivery still counts as a post the platform has or will have. */
export const isLive = (eb: ExpressionBuilder<Database, 'deliveries'>) => eb('status', 'in', LIVE_IN_SQL);

/** How often, while deliveries without their key remain, the lookup asks whether any still do. */
const LEGACY_RECHECK_MS = 60_000;
const legacy = new WeakMap<Kysely<Database>, { remain: boolean; checkedAt: number; checking: boolean }>();

/**
 * Whether live deliveries stored before deliveries carried their duplicate key (NULL) may remain, so
 * lookups must also read those and judge them by payload. Every delivery stored since has a key ('' when
 * no rule applies), so after an upgrade their number only falls. A process asks when it first looks up a
 * duplicate and once a minute after (off the request path: until the first answer, they are assumed to
 * remain); a delivery stored without a key by an older Pinion still running beside this one is therefore
 * judged within a minute.
 */
export function legacyDeliveriesMayRemain(db: Kysely<Database>, now = Date.now()): boolean {
  // A transaction is not the place for a check that outlives it: it reads as before.
  if (db.isTransaction) return true;
  let state = legacy.get(db);
  if (!state) legacy.set(db, (state = { remain: true, checkedAt: -Infinity, checking: false }));
  if (!state.checking && now - state.checkedAt >= LEGACY_RECHECK_MS) {
    const s = state;
    s.checking = true;
    db.selectFrom('deliveries')
      .select('id')
      .where('duplicate_key', 'is', null)
      .where(isLive)
      .limit(1)
      .executeTakeFirst()
      .then(
        (row) => Object.assign(s, { remain: row !== undefined, checkedAt: Date.now(), checking: false }),
        () => Object.assign(s, { checkedAt: Date.now(), checking: false }),
      );
  }
  return state.remain;
}
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
      .where(isLive)
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
    const older = !legacyDeliveriesMayRemain(db)
      ? []
      : await near.select(['post_id', 'scheduled_at', 'payload']).where('duplicate_key', 'is', null).orderBy('scheduled_at').limit(MAX_ROWS).execute();
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
