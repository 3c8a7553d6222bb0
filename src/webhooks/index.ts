import type { Kysely } from 'kysely';
import type { TokenVault } from '../accounts/index.js';
import type { Logger } from '../observability/index.js';
import { systemClock, type BackgroundPass, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import { pruneWebhookLogPass } from './retention.js';
import { sendWebhooksPass, type WebhookSendConfig } from './sender.js';

export { EVENT_TYPES, TEST_EVENT, emitEvent, emitEvents, insertEvent, type EventType } from './events.js';
export { signature, signatureHeader, standardWebhookHeaders } from './signing.js';
export { backoffMs, sendWebhooksPass, type WebhookSendConfig } from './sender.js';
export { createEndpoint, deleteEndpoint, getEndpointRow, listEndpoints, rotateSecret, toEndpoint, updateEndpoint, type WebhookEndpoint } from './endpoints.js';
export { getDelivery, listDeliveries, redeliver, type Attempt, type Delivery } from './deliveries.js';

/** The webhook passes every worker runs: sending due deliveries, re-sealing secrets after a key rotation, and pruning the log. */
/** `clock` times leases, retries, secret overlaps and retention; tests pass a ManualClock. */
export function webhookPasses(opts: {
  db: Kysely<Database>;
  vault: TokenVault;
  log: Logger;
  config?: WebhookSendConfig;
  retentionDays?: number;
  clock?: Clock;
}): BackgroundPass[] {
  return [sendWebhooksPass(opts), reencryptSecretsPass(opts), pruneWebhookLogPass({ ...opts, retentionDays: opts.retentionDays ?? 30 })];
}

/**
 * Moves endpoint secrets sealed with an older encryption key onto the current one, and forgets
 * rotated-out secrets whose overlap has ended.
 */
function reencryptSecretsPass(opts: { db: Kysely<Database>; vault: TokenVault; log: Logger; clock?: Clock }): BackgroundPass {
  const { db, vault, log } = opts;
  const clock = opts.clock ?? systemClock;
  const current = `v1.${vault.primaryKeyId}.%`;
  return {
    name: 'reencrypt-webhook-secrets',
    idleIntervalMs: 10 * 60_000,
    async run() {
      await db
        .updateTable('webhook_endpoints')
        .set({ previous_secret: null, previous_secret_until: null })
        .where('previous_secret_until', '<', clock.now())
        .execute();
      const stale = await db
        .selectFrom('webhook_endpoints')
        .select(['id', 'secret', 'previous_secret'])
        .where((eb) => eb.or([eb('secret', 'not like', current), eb.and([eb('previous_secret', 'is not', null), eb('previous_secret', 'not like', current)])]))
        .limit(100)
        .execute();
      const reseal = (sealed: string, id: string) => vault.encrypt(vault.decrypt(sealed, id), id);
      for (const row of stale) {
        // Conditional on the old values, so a rotate-secret landing meanwhile is never overwritten.
        await db
          .updateTable('webhook_endpoints')
          .set({ secret: reseal(row.secret, row.id), previous_secret: row.previous_secret && reseal(row.previous_secret, row.id) })
          .where('id', '=', row.id)
          .where('secret', '=', row.secret)
          .where((eb) => (row.previous_secret === null ? eb('previous_secret', 'is', null) : eb('previous_secret', '=', row.previous_secret)))
          .execute();
      }
      if (stale.length) log.info({ count: stale.length }, 're-encrypted webhook secrets with the current key');
      return stale.length === 100;
    },
  };
}
export { webhookStats } from './stats.js';
