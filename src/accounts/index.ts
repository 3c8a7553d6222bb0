import type { Kysely } from 'kysely';
import { budgetCategory, holdUntil, reserveSlot } from '../budgets/index.js';
import { budgetOf, platformConfig, type Config } from '../config/index.js';
import { connectorFor, ConnectorError, type AccountContext } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import { sleep, type BackgroundPass, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import type { Account } from './accounts.js';
import { expiringGrantsPass, refreshIdleAccountsPass, reencryptTokensPass, type GrantEnd } from './passes.js';
import { TokenKeeper } from './tokens.js';
import { loadVault, TokenVault } from './vault.js';

export { toAccount, listAccounts, getAccountRow, disconnectAccount, setAccountTimeZone, type Account, type AccountRow } from './accounts.js';
export { startConnect, finishConnect, ConnectError, callbackUrl } from './connect.js';
export { TokenKeeper } from './tokens.js';
export { accountHealth, EXPIRING_SOON_MS, type AccountHealth } from './health.js';
export type { GrantEnd } from './passes.js';
export { TokenVault, loadVault, generateKeySpec } from './vault.js';

/** The accounts capability, wired once per process. */
export interface Accounts {
  vault: TokenVault;
  tokens: TokenKeeper;
  /** What a platform's code needs to plan, look up or write for one account. */
  context(account: { id: string; platform: string; username: string; externalId: string; accountType: string | null }): AccountContext;
  passes: BackgroundPass[];
  /**
   * Hooks later capabilities (webhooks) attach to: a grant is dead (`needsReauth`), or will die
   * soon and cannot be refreshed (`expiring`, told once per expiry).
   */
  listeners: { needsReauth: Array<(account: Account) => Promise<void>>; expiring: Array<(account: Account, end: GrantEnd) => Promise<void>> };
}

export function createAccounts(opts: { db: Kysely<Database>; config: Config; log: Logger; clock?: Clock }): Accounts {
  const vault = loadVault(opts.config);
  const listeners: Accounts['listeners'] = { needsReauth: [], expiring: [] };
  const tokens = new TokenKeeper({
    db: opts.db,
    vault,
    log: opts.log,
    oauth: (platform) => connectorFor(platform).oauth(platformConfig(opts.config, platform)),
    refreshMarginMs: opts.config.accounts.refreshMarginSeconds * 1000,
    clock: opts.clock,
    onNeedsReauth: async (account) => {
      for (const listener of listeners.needsReauth) await listener(account);
    },
  });
  return {
    vault,
    tokens,
    context: (account) => ({
      account: { id: account.id, username: account.username, externalId: account.externalId, accountType: account.accountType },
      withToken: (call) => tokens.withAccessToken(account.id, call),
      writes: writeBudget(opts.db, opts.config, account.platform, account.id),
      db: opts.db,
      config: platformConfig(opts.config, account.platform),
    }),
    listeners,
    passes: [
      refreshIdleAccountsPass({
        db: opts.db,
        keeper: tokens,
        log: opts.log,
        windowMs: opts.config.accounts.idleRefreshWindowSeconds * 1000,
        marginMs: opts.config.accounts.refreshMarginSeconds * 1000,
        clock: opts.clock,
        onExpiring: async (account, end) => {
          for (const listener of listeners.expiring) await listener(account, end);
        },
      }),
      reencryptTokensPass({ db: opts.db, vault, log: opts.log }),
      expiringGrantsPass({
        db: opts.db,
        keeper: tokens,
        log: opts.log,
        windowMs: opts.config.accounts.idleRefreshWindowSeconds * 1000,
        marginMs: opts.config.accounts.refreshMarginSeconds * 1000,
        clock: opts.clock,
        onExpiring: async (account, end) => {
          for (const listener of listeners.expiring) await listener(account, end);
        },
      }),
    ],
  };
}

/** A person's write (a board, say) waits this long at most for a slot; beyond it they are told when to retry. */
const MAX_WAIT_MS = 10_000;

/** The account's write budget for writes a person asks for: the same budget publishing spends. */
function writeBudget(db: Kysely<Database>, config: Config, platform: string, accountId: string): AccountContext['writes'] {
  const connector = connectorFor(platform);
  // Pacing only: the daily cap is a cap on posts.
  const budget = { ...budgetOf(config, platform), perDay: 0 };
  const category = budgetCategory(platform, connector.facts.writeBudget.category);
  return {
    async take() {
      const deadline = Date.now() + MAX_WAIT_MS;
      for (;;) {
        const slot = await reserveSlot(db, accountId, category, budget);
        if (slot.ok) return;
        if (slot.retryAt > deadline) {
          const at = new Date(slot.retryAt);
          throw new ConnectorError(
            'rate_limited',
            `This account's ${connector.facts.name} write budget is spent until ${at.toISOString()} (publishing shares it); try again then`,
            { retryAt: at },
          );
        }
        await sleep(Math.max(0, slot.retryAt - Date.now()));
      }
    },
    hold: (until) => holdUntil(db, accountId, category, until),
  };
}
