import type { Kysely } from 'kysely';
import type { Logger } from '../observability/index.js';
import { systemClock, type BackgroundPass, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import type { TokenKeeper } from './tokens.js';
import type { TokenVault } from './vault.js';
import { toAccount, type Account, type AccountRow } from './accounts.js';

const BATCH = 20;
/** After a failed refresh an account rests this long, so a platform outage is not hammered. */
const FAILURE_COOLDOWN_MS = 5 * 60_000;
/** A refresh that moved the refresh token's end by less than this did not extend the grant (answers count whole seconds). */
const EXTENDED_BY_MS = 60_000;

/** Why and when a grant ends, told to the person once per end. */
export interface GrantEnd {
  at: Date;
  reason: string;
}
type OnExpiring = (account: Account, end: GrantEnd) => Promise<void>;

/**
 * Refreshes accounts nobody has used lately before their grant dies: most platforms' refresh
 * tokens are renewed only by refreshing, so an account idle that long would be lost. Some refresh
 * tokens have a fixed life from the first grant (a year, on one platform): refreshing does not move
 * their end, so once a refresh shows that, the person is told once (`onExpiring`) and the account
 * is not picked again for that end — it would otherwise be refreshed on every pass until it died.
 */
export function refreshIdleAccountsPass(opts: {
  db: Kysely<Database>;
  keeper: TokenKeeper;
  log: Logger;
  windowMs: number;
  marginMs: number;
  clock?: Clock;
  onExpiring?: OnExpiring;
}): BackgroundPass {
  const clock = opts.clock ?? systemClock;
  return {
    name: 'refresh-idle-accounts',
    idleIntervalMs: 5 * 60_000,
    async run(signal) {
      const now = clock.now();
      const due = await opts.db
        .selectFrom('accounts')
        .select(['id', 'token_version', 'refresh_expires_at'])
        .where('status', '=', 'active')
        .where('refresh_token', 'is not', null)
        .where((eb) =>
          eb.or([
            eb.and([
              eb('refresh_expires_at', '<', now + opts.windowMs),
              // Already known not to move: the person has been told, and refreshing again changes nothing.
              eb.or([eb('expiry_warned_for', 'is', null), eb('expiry_warned_for', '!=', eb.ref('refresh_expires_at'))]),
            ]),
            eb('access_expires_at', '<', now + opts.marginMs),
          ]),
        )
        .where((eb) => eb.or([eb('refresh_lock_until', 'is', null), eb('refresh_lock_until', '<', now)]))
        .where((eb) => eb.or([eb('last_error', 'is', null), eb('updated_at', '<', now - FAILURE_COOLDOWN_MS)]))
        .orderBy('refresh_expires_at')
        .limit(BATCH)
        .execute();
      let failures = 0;
      for (const account of due) {
        if (signal.aborted) break;
        try {
          const refreshed = await opts.keeper.refresh(account.id, account.token_version);
          if (account.refresh_expires_at !== null && account.refresh_expires_at < now + opts.windowMs)
            await tellIfFixed(opts, refreshed, account.refresh_expires_at);
        } catch (err) {
          failures++;
          opts.log.warn({ accountId: account.id, err }, 'idle account refresh failed');
        }
      }
      // Failed accounts are in cooldown now, so a full batch of only failures would not loop.
      return due.length === BATCH && failures < due.length;
    },
  };
}

/** After a refresh (`row` as the refresh left it): when the refresh token's end did not move, records it as told (one worker wins) and tells the person. */
async function tellIfFixed(opts: { db: Kysely<Database>; log: Logger; onExpiring?: OnExpiring }, row: AccountRow, endBefore: number): Promise<void> {
  const accountId = row.id;
  const end = row.refresh_expires_at;
  if (row.status !== 'active' || end === null || end >= endBefore + EXTENDED_BY_MS) return;
  const claimed = await opts.db
    .updateTable('accounts')
    .set({ expiry_warned_for: end })
    .where('id', '=', accountId)
    .where('refresh_expires_at', '=', end)
    .where((eb) => eb.or([eb('expiry_warned_for', 'is', null), eb('expiry_warned_for', '!=', end)]))
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return;
  const at = new Date(end);
  opts.log.info({ accountId, platform: row.platform, expiresAt: at.toISOString() }, 'account grant ends soon: refreshing does not extend it');
  await opts.onExpiring?.(toAccount(row), { at, reason: 'The platform does not extend this grant when it is refreshed: reconnect the account before it ends' });
}

/**
 * Grants without a refresh token (the platform gives this app none) die with their access token,
 * and only a person can renew them. Each such account is told once, `windowMs` ahead of the
 * expiry (`onExpiring`, a webhook); once the token is within the refresh margin it is marked
 * needs_reauth (the keeper finds nothing to refresh with), so nobody learns it from a failed post.
 */
export function expiringGrantsPass(opts: {
  db: Kysely<Database>;
  keeper: TokenKeeper;
  log: Logger;
  windowMs: number;
  marginMs: number;
  clock?: Clock;
  onExpiring: OnExpiring;
}): BackgroundPass {
  const clock = opts.clock ?? systemClock;
  return {
    name: 'expiring-grants',
    idleIntervalMs: 10 * 60_000,
    async run(signal) {
      const now = clock.now();
      const unwarned = await opts.db
        .selectFrom('accounts')
        .selectAll()
        .where('status', '=', 'active')
        .where('refresh_token', 'is', null)
        .where('access_expires_at', 'is not', null)
        .where('access_expires_at', '<', now + opts.windowMs)
        .where((eb) => eb.or([eb('expiry_warned_for', 'is', null), eb('expiry_warned_for', '!=', eb.ref('access_expires_at'))]))
        .limit(BATCH)
        .execute();
      for (const row of unwarned) {
        if (signal.aborted) break;
        // Claimed by one worker: the warning is recorded for this very expiry before it is sent.
        const claimed = await opts.db
          .updateTable('accounts')
          .set({ expiry_warned_for: row.access_expires_at })
          .where('id', '=', row.id)
          .where('access_expires_at', '=', row.access_expires_at)
          .where((eb) => eb.or([eb('expiry_warned_for', 'is', null), eb('expiry_warned_for', '!=', eb.ref('access_expires_at'))]))
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) !== 1) continue;
        opts.log.info(
          { accountId: row.id, platform: row.platform, expiresAt: new Date(row.access_expires_at!).toISOString() },
          'account access expires soon and cannot be refreshed',
        );
        await opts.onExpiring(toAccount(row), {
          at: new Date(row.access_expires_at!),
          reason: 'The platform gives no refresh token: reconnect the account before it expires',
        });
      }
      const dying = await opts.db
        .selectFrom('accounts')
        .select(['id', 'token_version'])
        .where('status', '=', 'active')
        .where('refresh_token', 'is', null)
        .where('access_expires_at', '<', now + opts.marginMs)
        .limit(BATCH)
        .execute();
      for (const account of dying) {
        if (signal.aborted) break;
        // Finds no refresh token: the keeper marks the account needs_reauth and tells its listeners.
        await opts.keeper.refresh(account.id, account.token_version).catch(() => undefined);
      }
      return unwarned.length === BATCH || dying.length === BATCH;
    },
  };
}

/** Moves tokens sealed with an older encryption key onto the current one, after a key rotation. */
export function reencryptTokensPass(opts: { db: Kysely<Database>; vault: TokenVault; log: Logger }): BackgroundPass {
  return {
    name: 'reencrypt-tokens',
    idleIntervalMs: 10 * 60_000,
    async run() {
      const current = `v1.${opts.vault.primaryKeyId}.%`;
      const stale = await opts.db
        .selectFrom('accounts')
        .select(['id', 'access_token', 'refresh_token', 'token_version'])
        .where((eb) => eb.or([eb('access_token', 'not like', current), eb('refresh_token', 'not like', current)]))
        .limit(100)
        .execute();
      for (const row of stale) {
        const reseal = (v: string | null) => (v === null ? null : opts.vault.encrypt(opts.vault.decrypt(v, row.id), row.id));
        // Conditional on the version, so a refresh that lands meanwhile is never overwritten.
        await opts.db
          .updateTable('accounts')
          .set({ access_token: reseal(row.access_token), refresh_token: reseal(row.refresh_token) })
          .where('id', '=', row.id)
          .where('token_version', '=', row.token_version)
          .execute();
      }
      if (stale.length) opts.log.info({ count: stale.length }, 're-encrypted account tokens with the current key');
      return stale.length === 100;
    },
  };
}
