import { Writable } from 'node:stream';
import SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { TokenKeeper } from '../../src/accounts/index.js';
import type { Publisher } from '../../src/connectors/index.js';
import { createLogger, type Logger } from '../../src/observability/index.js';
import type { PublishPassOptions } from '../../src/scheduler/index.js';
import { newId, type Database, type Store } from '../../src/store/index.js';

/** What a Pinterest delivery's payload looks like (a PinCreate body), so rows have a realistic size. */
const PAYLOAD = JSON.stringify({
  board_id: '1234567890',
  title: 'Bench pin',
  description: 'A pin scheduled by the benchmark, about as long as a real description tends to be.',
  link: 'https://shop.example/products/bench?utm_source=pinterest',
  media_source: { source_type: 'image_url', url: 'https://cdn.shop.example/images/bench.jpg' },
});
/**
 * Deliveries made through the API carry their platform's duplicate-rule key; a NULL one marks a delivery
 * stored before that column, which the store indexes apart (0012_deliveries_without_key). Not a real key of this payload.
 */
const DUPLICATE_KEY = 'bench';
const REQUEST = JSON.stringify({
  content: 'A pin scheduled by the benchmark, about as long as a real description tends to be.',
  platforms: ['pinterest'],
  media_url: 'https://cdn.shop.example/images/bench.jpg',
  link: 'https://shop.example/products/bench',
  platform_options: { pinterest: { board: 'Products', title: 'Bench pin' } },
});

/** A workspace and `n` Pinterest accounts. Tokens stay null: the no-op publisher never asks for one. */
export async function seedAccounts(db: Kysely<Database>, n: number): Promise<{ workspaceId: string; accountIds: string[] }> {
  const now = Date.now();
  const workspaceId = newId('ws');
  await db
    .insertInto('workspaces')
    .values({ id: workspaceId, name: `bench-${workspaceId}`, created_at: now })
    .execute();
  const accountIds: string[] = [];
  for (let start = 0; start < n; start += 500) {
    const rows = Array.from({ length: Math.min(500, n - start) }, (_, k) => {
      const id = newId('acct');
      accountIds.push(id);
      return {
        id,
        workspace_id: workspaceId,
        platform: 'pinterest',
        external_id: `ext-${start + k}`,
        username: `bench${start + k}`,
        status: 'active' as const,
        scopes: 'pins:write boards:read',
        token_version: 0,
        created_at: now,
        updated_at: now,
      };
    });
    await db.insertInto('accounts').values(rows).execute();
  }
  return { workspaceId, accountIds };
}

export interface DeliverySpec {
  workspaceId: string;
  accountIds: string[];
  count: number;
  /** Due time of the i-th delivery (epoch ms). */
  scheduledAt(i: number): number;
}

/**
 * One post and one delivery per item, as a single-account post makes, inserted in batches. On
 * PostgreSQL each batch is one INSERT … SELECT FROM unnest(arrays) per table (a parameter per
 * column, not per value); on SQLite, prepared statements in one transaction per batch on a
 * second connection to the same file. Accounts are used round robin.
 */
export async function insertDeliveries(store: Store, spec: DeliverySpec, batch = 10_000): Promise<void> {
  if (store.dialect === 'sqlite') return insertSqlite(store.displayUrl.slice('sqlite:'.length), spec, batch);
  const { db } = store;
  for (let start = 0; start < spec.count; start += batch) {
    const size = Math.min(batch, spec.count - start);
    const now = Date.now();
    const postIds: string[] = [],
      deliveryIds: string[] = [],
      accounts: string[] = [],
      at: number[] = [];
    for (let k = 0; k < size; k++) {
      const i = start + k;
      postIds.push(newId('post', now));
      deliveryIds.push(newId('dlv', now));
      accounts.push(spec.accountIds[i % spec.accountIds.length]!);
      at.push(spec.scheduledAt(i));
    }
    await sql`insert into posts (id, workspace_id, status, request, scheduled_at, created_at, updated_at)
      select u.id, ${spec.workspaceId}::text, 'scheduled', ${REQUEST}::text, u.at, ${now}::bigint, ${now}::bigint
      from unnest(${postIds}::text[], ${at}::bigint[]) as u(id, at)`.execute(db);
    await sql`insert into deliveries (id, post_id, workspace_id, account_id, platform, status, payload, duplicate_key, scheduled_at, run_at, created_at, updated_at)
      select u.id, u.post_id, ${spec.workspaceId}::text, u.account_id, 'pinterest', 'scheduled', ${PAYLOAD}::text, ${DUPLICATE_KEY}::text, u.at, u.at, ${now}::bigint, ${now}::bigint
      from unnest(${deliveryIds}::text[], ${postIds}::text[], ${accounts}::text[], ${at}::bigint[]) as u(id, post_id, account_id, at)`.execute(db);
  }
}

function insertSqlite(file: string, spec: DeliverySpec, batch: number): void {
  const conn = new SqliteDatabase(file);
  try {
    conn.pragma('busy_timeout = 5000');
    const post = conn.prepare(
      `insert into posts (id, workspace_id, status, request, scheduled_at, created_at, updated_at) values (?, ?, 'scheduled', ?, ?, ?, ?)`,
    );
    const delivery = conn.prepare(
      `insert into deliveries (id, post_id, workspace_id, account_id, platform, status, payload, duplicate_key, scheduled_at, run_at, attempts, attempt_pending, adopted, created_at, updated_at)
       values (?, ?, ?, ?, 'pinterest', 'scheduled', ?, ?, ?, ?, 0, 0, 0, ?, ?)`,
    );
    const insertBatch = conn.transaction((start: number, size: number) => {
      const now = Date.now();
      for (let k = 0; k < size; k++) {
        const i = start + k;
        const postId = newId('post', now);
        const at = spec.scheduledAt(i);
        post.run(postId, spec.workspaceId, REQUEST, at, now, now);
        delivery.run(newId('dlv', now), postId, spec.workspaceId, spec.accountIds[i % spec.accountIds.length]!, PAYLOAD, DUPLICATE_KEY, at, at, now, now);
      }
    });
    for (let start = 0; start < spec.count; start += batch) insertBatch(start, Math.min(batch, spec.count - start));
  } finally {
    conn.close();
  }
}

/** Publishes nothing and answers at once, so the figures are Pinion's own overhead. */
export function noopPublisher(): Publisher & { calls: number } {
  const p = {
    platform: 'pinterest',
    rateCategory: 'org_write',
    calls: 0,
    async publish() {
      const n = ++p.calls;
      return { externalId: `noop-${n}`, url: `https://www.pinterest.com/pin/noop-${n}/` };
    },
    async findPublished() {
      return null;
    },
  };
  return p;
}

/** The no-op publisher never needs a token; if anything asks, the bench should fail loudly. */
const NO_TOKENS = { withAccessToken: () => Promise.reject(new Error('the no-op publisher asked for a token')) } as unknown as TokenKeeper;

/** A logger that keeps warnings and errors, so a bench can prove its run was clean. */
export function countingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('warn', sink), lines };
}

/**
 * Pass settings for the benches. The budget is generous (1e9 per second, i.e. one call per
 * account per millisecond) because this measures the scheduler, not a platform's rate limit.
 * Lease and retry settings are Pinion's defaults.
 */
export function passOptions(
  store: Store,
  opts: {
    publisher: Publisher;
    log: Logger;
    concurrency: number;
    pollIntervalMs: number;
    onPublished?: PublishPassOptions['onPublished'];
    db?: Kysely<Database>;
  },
): PublishPassOptions {
  return {
    db: opts.db ?? store.db,
    dialect: store.dialect,
    log: opts.log,
    tokens: NO_TOKENS,
    publisherFor: () => opts.publisher,
    budgetFor: () => ({ limit: 1e9, windowMs: 1000, perDay: 0 }),
    outcomeWindowFor: () => 600_000,
    concurrency: opts.concurrency,
    leaseMs: 60_000,
    pollIntervalMs: opts.pollIntervalMs,
    maxAttempts: 8,
    retryBaseMs: 30_000,
    retryMaxMs: 3_600_000,
    unknownOutcomeGiveUpMs: 86_400_000,
    onPublished: opts.onPublished,
  };
}
