import { sql, type Kysely } from 'kysely';
import { literalLimit, preparedOnPostgres, reusable, type Database, type Dialect } from '../store/index.js';
import type { DailyUnits, Publisher, WithToken } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import { moveDelivery, type DeliveryRow } from './delivery-state.js';
import { lookForAttempt } from './look.js';

/*
 * The last look at a delivery published again after an unanswered attempt (see follow_up_at): taken
 * by one worker, then what it found recorded.
 */

/**
 * Published deliveries due a last look for a late duplicate (see follow_up_at), each taken by one
 * worker: clearing follow_up_at is the claim, so whoever clears it looks, once. Every run of the
 * publish pass asks, so this is mostly an idle poll. On PostgreSQL it is one prepared statement, the
 * picks locked with SKIP LOCKED (workers take different rows) in a MATERIALIZED CTE (as a plain
 * `IN (SELECT … LIMIT n)` PostgreSQL may run the pick again and take more than n), the limit a
 * constant so the plan is kept, as for the claim. On SQLite a plain read picks (an UPDATE …
 * RETURNING costs SQLite tens of microseconds even when it changes nothing), then one UPDATE takes
 * what it picked and is still there.
 */
export async function takeFollowUps(db: Kysely<Database>, dialect: Dialect, now: number, limit: number): Promise<DeliveryRow[]> {
  // Checked on both stores, though only PostgreSQL's statement carries it as text.
  const pgLimit = literalLimit(limit, 'follow-up');
  if (dialect === 'postgres') {
    const { rows } = await sql<DeliveryRow>`with picked as materialized (
        select id from deliveries where status = 'published' and follow_up_at <= ${now} order by follow_up_at limit ${pgLimit} for update skip locked
      )
      update deliveries set follow_up_at = null
      where id in (select id from picked) and status = 'published' and follow_up_at <= ${now}
      returning *${preparedOnPostgres}`.execute(db);
    return rows;
  }
  const due = await pickFollowUps(db, now, limit);
  if (!due.length) return [];
  const taken = await db
    .updateTable('deliveries')
    .set({ follow_up_at: null })
    .where(
      'id',
      'in',
      due.map((r) => r.id),
    )
    .where('status', '=', 'published')
    .where('follow_up_at', '<=', now)
    .returningAll()
    .execute();
  const byId = new Map(taken.map((d) => [d.id, d]));
  return due.flatMap(({ id }) => byId.get(id) ?? []);
}

const pickFollowUps = reusable('claims.follow-ups', (db, now: number, limit: number) =>
  db.selectFrom('deliveries').select('id').where('status', '=', 'published').where('follow_up_at', '<=', now).orderBy('follow_up_at').limit(limit),
);

/**
 * The last look at a delivery published again after an unanswered attempt: should that attempt
 * have landed after its window, there are two posts; the one the delivery records is kept. A look
 * that fails is made again `lookAgainIn` later.
 */
export async function lookForLateDuplicate(input: {
  db: Kysely<Database>;
  log: Logger;
  d: DeliveryRow;
  publisher: Publisher;
  withToken: WithToken;
  units?: DailyUnits;
  now(): number;
  /** How long after a failed look to look again. */
  lookAgainIn: number;
}): Promise<void> {
  const { db, log, d, publisher, withToken, units, now } = input;
  const look = await lookForAttempt({ db, log, publisher, d, withToken, units, payload: JSON.parse(d.payload) as unknown, keep: d.external_id ?? undefined });
  if (look.kind === 'error') {
    log.warn({ deliveryId: d.id, err: look.err }, 'could not look for a late duplicate; will look again');
    await moveDelivery(db, d.id, { from: ['published'], to: 'published', set: { follow_up_at: now() + input.lookAgainIn }, now: now() });
    return;
  }
  if (look.kind === 'found' && look.duplicates.length) {
    const duplicates = JSON.stringify(look.duplicates.map((x) => ({ external_id: x.externalId, url: x.url, removed: x.removed })));
    // The other posts found, and the warning about them.
    await moveDelivery(db, d.id, { from: ['published'], to: 'published', set: { duplicates, warning: look.warning! }, now: now() });
  }
}
