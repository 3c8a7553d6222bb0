import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';

const MARK = '/* prepared */';

/**
 * Ends a statement of fixed text that runs very often (the publish path's claim, attempts and publishes, once per
 * batch each): on PostgreSQL it is then sent as a named prepared statement, parsed and planned once per connection
 * instead of on every call. The server log showed parsing and planning took as long as executing them (and a third
 * of PostgreSQL's CPU per delivery went to it). Only statements whose plan does not depend on their values belong
 * here: after five runs PostgreSQL may keep a generic plan, made without them. A comment, so SQLite and plans ignore it.
 */
export const preparedOnPostgres = sql.raw(`\n${MARK}`);

/**
 * A LIMIT written into a prepared statement's text instead of bound: PostgreSQL cannot cost a plan made
 * without a bound LIMIT's value, so it plans such a statement again on every call; a constant keeps one
 * statement text per limit and lets it keep a generic plan. Checked, since it is SQL text, not a parameter.
 */
export function literalLimit(limit: number, what: string) {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`${what} limit must be a positive integer, got ${limit}`);
  return sql.lit(limit);
}

/** SQLSTATE 0A000 with this message: the statement was prepared before a migration changed the columns it returns. */
const stalePlan = (err: unknown) =>
  (err as { code?: string }).code === '0A000' && /cached plan must not change result type/.test(String((err as Error).message));

/**
 * Sends this pool client's marked statements (see preparedOnPostgres) as named statements, the name made from the
 * text. A statement prepared before another process migrated the table it returns fails once with "cached plan
 * must not change result type": it is then prepared again under a new name (the old one goes with the connection),
 * and, outside a transaction, run again at once (it failed before doing anything; inside one, the transaction has
 * failed and its caller's retry will find the new name).
 */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  let generation = 0;
  let inTransaction = false;
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) names.set(text, (name = `pinion_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
    return `${name}_${generation}`;
  };
  (client as unknown as { query: unknown }).query = (text: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string') return query(text, ...rest);
    if (/^(begin|start transaction)\b/i.test(text)) inTransaction = true;
    else if (/^(commit|rollback)\b/i.test(text)) inTransaction = false;
    if (!text.endsWith(MARK) || rest.length !== 1 || !Array.isArray(rest[0])) return query(text, ...rest);
    const values = rest[0];
    const run = () => query({ name: nameOf(text), text, values });
    return run().catch((err: unknown) => {
      if (!stalePlan(err)) throw err;
      generation++;
      if (inTransaction) throw err;
      return run();
    });
  };
}
