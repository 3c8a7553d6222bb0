import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import { ConnectorError, isConnectorError, type OAuthFlow } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import { systemClock, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import { sealedTokens, toAccount, type Account, type AccountRow } from './accounts.js';
import { PlatformProblems } from './platform-problems.js';
import type { TokenVault } from './vault.js';

export interface TokenKeeperOptions {
  db: Kysely<Database>;
  vault: TokenVault;
  log: Logger;
  oauth(platform: string): OAuthFlow;
  /** Refresh this long before the access token expires. */
  refreshMarginMs: number;
  /** Told when an account's grant is dead and a person must reconnect it. */
  onNeedsReauth?(account: Account): Promise<void>;
  /** How long one process may hold an account's refresh lease; longer than a token call can take. */
  leaseMs?: number;
  /** How long a caller waits for another process's refresh before giving up (retryable). */
  waitMs?: number;
  /** Expiry checks, leases and waits; tests pass a ManualClock. */
  clock?: Clock;
}

/**
 * Keeps every account's access token valid. Exactly one refresh per account runs at a time
 * across all processes: a lease on the account row (an atomic conditional UPDATE, the same on
 * SQLite and PostgreSQL) admits one refresher; everyone else waits and re-reads. Within one
 * process concurrent callers share one refresh. Rotated refresh tokens are written the moment
 * they arrive, and a refused refresh marks the account `needs_reauth`, never deletes it.
 */
export class TokenKeeper {
  /** Platforms whose app credentials were refused: an instance problem, reported by /readyz. */
  readonly platformProblems = new PlatformProblems();
  /** Told of every failed refresh with its kind (metrics). */
  readonly refreshFailed: Array<(platform: string, kind: string) => void> = [];
  /** Told of every successful refresh (metrics). */
  readonly refreshed: Array<(platform: string) => void> = [];
  private readonly inflight = new Map<string, Promise<AccountRow>>();
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly clock: Clock;

  constructor(private readonly opts: TokenKeeperOptions) {
    this.clock = opts.clock ?? systemClock;
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.waitMs = opts.waitMs ?? 45_000;
  }

  /** Runs `call` with a valid access token: refreshed ahead of expiry, and once more after a 401. */
  async withAccessToken<T>(accountId: string, call: (accessToken: string) => Promise<T>): Promise<T> {
    let row = await this.load(accountId);
    if (row.access_expires_at !== null && row.access_expires_at - this.clock.now() < this.opts.refreshMarginMs) {
      row = await this.refresh(accountId, row.token_version);
    }
    try {
      return await call(this.accessToken(row));
    } catch (err) {
      if (!isConnectorError(err) || err.kind !== 'auth_expired') throw err;
      row = await this.refresh(accountId, row.token_version);
      return call(this.accessToken(row));
    }
  }

  /**
   * Refreshes the account unless its tokens already changed since `seenVersion` (someone else
   * refreshed). Without `seenVersion` it always refreshes.
   */
  refresh(accountId: string, seenVersion?: number): Promise<AccountRow> {
    const running = this.inflight.get(accountId);
    if (running) return running;
    const p = this.refreshOnce(accountId, seenVersion).finally(() => this.inflight.delete(accountId));
    this.inflight.set(accountId, p);
    return p;
  }

  private async refreshOnce(accountId: string, seenVersion: number | undefined): Promise<AccountRow> {
    const giveUpAt = this.clock.now() + this.waitMs;
    for (;;) {
      const claimed = await this.claimLease(accountId);
      const row = await this.load(accountId);
      const alreadyDone = seenVersion !== undefined && row.token_version !== seenVersion;
      if (claimed) {
        if (alreadyDone) {
          await this.releaseLease(accountId);
          return row;
        }
        return this.refreshHoldingLease(row);
      }
      if (alreadyDone) return row;
      if (this.clock.now() > giveUpAt) throw new ConnectorError('retryable', `Timed out waiting for another process to refresh account ${accountId}`);
      await this.clock.sleep(50 + Math.random() * 100);
    }
  }

  private async refreshHoldingLease(row: AccountRow): Promise<AccountRow> {
    const { db, vault, log } = this.opts;
    try {
      if (!row.refresh_token) {
        const when =
          row.access_expires_at === null
            ? ''
            : ` ${row.access_expires_at <= this.clock.now() ? 'expired' : 'expires'} at ${new Date(row.access_expires_at).toISOString()} and`;
        throw new ConnectorError('auth_revoked', `The access token${when} cannot be renewed: the platform gave no refresh token; reconnect the account`);
      }
      const tokens = await this.opts.oauth(row.platform).refresh(vault.decrypt(row.refresh_token, row.id));
      // Written by id, not by lease owner: the platform has already rotated the refresh token, so
      // this new one must be kept even if the lease had run out meanwhile.
      await db
        .updateTable('accounts')
        .set((eb) => ({
          ...sealedTokens(vault, row.id, tokens),
          token_version: eb('token_version', '+', 1),
          refreshed_at: this.clock.now(),
          last_error: null,
          refresh_lock_until: null,
          refresh_lock_owner: null,
          updated_at: this.clock.now(),
        }))
        .where('id', '=', row.id)
        .execute();
      log.info({ accountId: row.id, platform: row.platform }, 'access token refreshed');
      for (const listener of this.refreshed) listener(row.platform);
      this.platformProblems.clear(row.platform);
      return this.load(row.id);
    } catch (err) {
      const current = await this.loadAny(row.id);
      // Our refresh token may have been refused because another process rotated it first.
      if (current.token_version !== row.token_version && current.status === 'active') return current;
      const message = (err as Error).message;
      const kind = isConnectorError(err) ? err.kind : 'unexpected';
      for (const listener of this.refreshFailed) listener(row.platform, kind);
      // Only the account's own grant being refused makes it need reconnecting; refused app credentials
      // (misconfigured) would otherwise mark every account of the platform at once.
      const dead = kind === 'auth_revoked';
      if (kind === 'misconfigured') this.platformProblems.report(row.platform, 'misconfigured', message);
      await db
        .updateTable('accounts')
        .set((eb) => ({
          // needs_reauth_since keeps the first time: later refusals of the same dead grant do not move it.
          ...(dead ? { status: 'needs_reauth' as const, needs_reauth_since: eb.fn.coalesce('needs_reauth_since', eb.val(this.clock.now())) } : {}),
          last_error: message,
          refresh_lock_until: null,
          refresh_lock_owner: null,
          updated_at: this.clock.now(),
        }))
        .where('id', '=', row.id)
        .execute();
      if (dead) {
        log.warn({ accountId: row.id, platform: row.platform, reason: message }, 'account needs reconnecting');
        await this.opts.onNeedsReauth?.(toAccount(await this.loadAny(row.id)));
      } else if (kind === 'misconfigured') {
        log.error({ accountId: row.id, platform: row.platform, reason: message }, 'the platform refused the app credentials; accounts are left as they are');
      } else {
        log.warn({ accountId: row.id, err }, 'token refresh failed; will retry');
      }
      throw err;
    }
  }

  /** Takes the account's refresh lease if nobody holds a live one. */
  private async claimLease(accountId: string): Promise<boolean> {
    const now = this.clock.now();
    const result = await this.opts.db
      .updateTable('accounts')
      .set({ refresh_lock_until: now + this.leaseMs, refresh_lock_owner: this.owner })
      .where('id', '=', accountId)
      .where((eb) => eb.or([eb('refresh_lock_until', 'is', null), eb('refresh_lock_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private async releaseLease(accountId: string): Promise<void> {
    await this.opts.db
      .updateTable('accounts')
      .set({ refresh_lock_until: null, refresh_lock_owner: null })
      .where('id', '=', accountId)
      .where('refresh_lock_owner', '=', this.owner)
      .execute();
  }

  private async loadAny(accountId: string): Promise<AccountRow> {
    const row = await this.opts.db.selectFrom('accounts').selectAll().where('id', '=', accountId).executeTakeFirst();
    if (!row) throw new ConnectorError('not_found', `Account ${accountId} does not exist`);
    return row;
  }

  /** The account, which must be active: a dead grant is not worth a platform call. */
  private async load(accountId: string): Promise<AccountRow> {
    const row = await this.loadAny(accountId);
    if (row.status !== 'active')
      throw new ConnectorError('auth_revoked', `Account ${row.username} on ${row.platform} is ${row.status.replace('_', ' ')}; reconnect it`);
    return row;
  }

  private accessToken(row: AccountRow): string {
    if (!row.access_token) throw new ConnectorError('auth_revoked', `Account ${row.id} has no access token; reconnect it`);
    return this.opts.vault.decrypt(row.access_token, row.id);
  }
}
