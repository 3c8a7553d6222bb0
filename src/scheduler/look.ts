import type { Kysely } from 'kysely';
import type { DailyUnits, Publisher, WithToken } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import type { Database } from '../store/index.js';
import type { DeliveryRow } from './delivery-state.js';
import type { Duplicate } from './outcome.js';

export type Look =
  | { kind: 'found'; found: { externalId: string; url: string }; duplicates: Duplicate[]; warning: string | null }
  | { kind: 'none' }
  | { kind: 'error'; err: unknown };

/**
 * Looks on the platform for what the delivery's unanswered attempt made. Posts other deliveries
 * own are never adopted. When the platform holds the delivery more than once (an attempt that
 * committed after its window, then a second attempt), the oldest is kept and the others deleted
 * where the platform allows it; both ids and a warning are recorded on the delivery.
 */
export async function lookForAttempt(input: {
  db: Kysely<Database>;
  log: Logger;
  publisher: Publisher;
  d: DeliveryRow;
  payload: unknown;
  withToken: WithToken;
  units?: DailyUnits;
  keep?: string;
}): Promise<Look> {
  const { db, log, publisher, d, withToken } = input;
  const since = d.attempt_started_at ?? d.updated_at;
  // An earlier attempt may have made the post late, after its own window: look from the first attempt (never before the due time).
  const from = Math.min(since, d.scheduled_at);
  let found;
  try {
    const owned = await db
      .selectFrom('deliveries')
      .select('external_id')
      .where('account_id', '=', d.account_id)
      .where('id', '!=', d.id)
      .where('external_id', 'is not', null)
      .where('published_at', '>', from - 86_400_000)
      .execute();
    found = await publisher.findPublished({
      payload: input.payload,
      since: from,
      exclude: new Set(owned.map((o) => o.external_id!)),
      withToken,
      units: input.units,
      progress: d.progress === null ? null : (JSON.parse(d.progress) as unknown),
    });
  } catch (err) {
    return { kind: 'error', err };
  }
  if (!found) return { kind: 'none' };
  const all = [found, ...(found.duplicates ?? [])];
  // Keep the post the delivery already records, if any; without it (deleted by a person?) delete nothing.
  const kept = input.keep === undefined ? found : all.find((x) => x.externalId === input.keep);
  if (!kept) return { kind: 'none' };
  found = { externalId: kept.externalId, url: kept.url };
  const extras = all.filter((x) => x.externalId !== kept.externalId);

  const duplicates: Duplicate[] = [];
  for (const extra of extras) {
    let removed = false;
    if (publisher.remove) {
      try {
        await publisher.remove({ externalId: extra.externalId, withToken, units: input.units });
        removed = true;
      } catch (err) {
        log.warn({ deliveryId: d.id, externalId: extra.externalId, err }, 'could not delete a duplicate post');
      }
    }
    duplicates.push({ externalId: extra.externalId, url: extra.url, removed });
  }
  if (!duplicates.length) return { kind: 'found', found, duplicates, warning: null };
  const gone = duplicates.filter((x) => x.removed).map((x) => x.externalId);
  const left = duplicates.filter((x) => !x.removed).map((x) => x.externalId);
  const warning =
    `${d.platform} held this delivery ${duplicates.length + 1} times (an unanswered attempt was made after all): kept ${found.externalId}` +
    (gone.length ? `, deleted ${gone.join(', ')}` : '') +
    (left.length ? `; could not delete ${left.join(', ')}: delete ${left.length > 1 ? 'them' : 'it'} on ${d.platform}` : '') +
    '.';
  log.warn({ deliveryId: d.id, kept: found.externalId, deleted: gone, left }, 'found a delivery published more than once');
  return { kind: 'found', found, duplicates, warning };
}
