import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import { budgetFor, ConnectorError, oauthFlow, pinterestClient, PLATFORMS, type PlatformId } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import { budgetCategory, holdUntil, reserveSlot } from '../budgets/index.js';
import { sleep, type BackgroundPass, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import type { Account } from './accounts.js';
import { BoardDirectory, type WriteBudget } from './boards.js';
import { refreshIdleAccountsPass, reencryptTokensPass } from './passes.js';
import { TokenKeeper } from './tokens.js';
import { loadVault, TokenVault } from './vault.js';

export { toAccount, listAccounts, getAccountRow, disconnectAccount, type Account, type AccountRow } from './accounts.js';
export { startConnect, finishConnect, ConnectError, callbackUrl } from './connect.js';
export { BoardDirectory, type Board, type Section } from './boards.js';
export { TokenKeeper } from './tokens.js';
export { TokenVault, loadVault, generateKeySpec } from './vault.js';

/** The accounts capability, wired once per process. */
export interface Accounts {
  vault: TokenVault;
  tokens: TokenKeeper;
  /** Boards of Pinterest accounts. Created on first use, so a server without Pinterest credentials still starts. */
  boards(): BoardDirectory;
  passes: BackgroundPass[];
  /** Hooks later capabilities (webhooks) attach to. */
  listeners: { needsReauth: Array<(account: Account) => Promise<void>> };
}

export function createAccounts(opts: { db: Kysely<Database>; config: Config; log: Logger; clock?: Clock }): Accounts {
  const vault = loadVault(opts.config);
  const listeners: Accounts['listeners'] = { needsReauth: [] };
  const tokens = new TokenKeeper({
    db: opts.db,
    vault,
    log: opts.log,
    oauth: (platform) => oauthFlow(opts.config, platform as PlatformId),
    refreshMarginMs: opts.config.accounts.refreshMarginSeconds * 1000,
    clock: opts.clock,
    onNeedsReauth: async (account) => {
      for (const listener of listeners.needsReauth) await listener(account);
    },
  });
  let boards: BoardDirectory | undefined;
  return {
    vault,
    tokens,
    boards: () => (boards ??= new BoardDirectory(opts.db, tokens, pinterestClient(opts.config), pinterestWriteBudget(opts.db, opts.config))),
    listeners,
    passes: [
      refreshIdleAccountsPass({
        db: opts.db,
        keeper: tokens,
        log: opts.log,
        windowMs: opts.config.accounts.idleRefreshWindowSeconds * 1000,
        marginMs: opts.config.accounts.refreshMarginSeconds * 1000,
        clock: opts.clock,
      }),
      reencryptTokensPass({ db: opts.db, vault, log: opts.log }),
    ],
  };
}

/** A person creating a board waits this long at most for a slot; beyond it they are told when to retry. */
const MAX_WAIT_MS = 10_000;

function pinterestWriteBudget(db: Kysely<Database>, config: Config): WriteBudget {
  // Pacing only: the daily cap is a cap on pins.
  const budget = { ...budgetFor(config, 'pinterest'), perDay: 0 };
  // The same budget the publish pass spends for pins. (Worked out here, not at module load: scheduler and accounts import each other.)
  const category = budgetCategory('pinterest', PLATFORMS.pinterest.writeCategory);
  return {
    async take(accountId) {
      const deadline = Date.now() + MAX_WAIT_MS;
      for (;;) {
        const slot = await reserveSlot(db, accountId, category, budget);
        if (slot.ok) return;
        if (slot.retryAt > deadline) {
          const at = new Date(slot.retryAt);
          throw new ConnectorError('rate_limited', `This account's Pinterest write budget is spent until ${at.toISOString()} (publishing shares it); try again then`, { retryAt: at });
        }
        await sleep(Math.max(0, slot.retryAt - Date.now()));
      }
    },
    hold: (accountId, until) => holdUntil(db, accountId, category, until),
  };
}
