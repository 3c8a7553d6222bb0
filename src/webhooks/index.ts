import type { Kysely } from 'kysely';
import type { TokenVault } from '../accounts/index.js';
import type { Logger } from '../observability/index.js';
import type { BackgroundPass } from '../scheduler/index.js';
import type { Database } from '../store/index.js';
import { sendWebhooksPass, type WebhookSendConfig } from './sender.js';

export { EVENT_TYPES, TEST_EVENT, emitEvent, insertEvent, type EventType } from './events.js';
export { signature, signatureHeader } from './signing.js';
export { backoffMs, sendWebhooksPass, type WebhookSendConfig } from './sender.js';
export { createEndpoint, deleteEndpoint, getEndpointRow, listEndpoints, rotateSecret, toEndpoint, updateEndpoint, type WebhookEndpoint } from './endpoints.js';
export { getDelivery, listDeliveries, redeliver, type Attempt, type Delivery } from './deliveries.js';

/** The webhook passes every worker runs: sending due deliveries, and re-sealing secrets after a key rotation. */
export function webhookPasses(opts: { db: Kysely<Database>; vault: TokenVault; log: Logger; config?: WebhookSendConfig }): BackgroundPass[] {
  return [sendWebhooksPass(opts), reencryptSecretsPass(opts)];
}

/** Moves endpoint secrets sealed with an older encryption key onto the current one. */
function reencryptSecretsPass(opts: { db: Kysely<Database>; vault: TokenVault; log: Logger }): BackgroundPass {
  return {
    name: 'reencrypt-webhook-secrets',
    idleIntervalMs: 10 * 60_000,
    async run() {
      const stale = await opts.db
        .selectFrom('webhook_endpoints')
        .select(['id', 'secret'])
        .where('secret', 'not like', `v1.${opts.vault.primaryKeyId}.%`)
        .limit(100)
        .execute();
      for (const row of stale) {
        // Conditional on the old value, so a rotate-secret landing meanwhile is never overwritten.
        await opts.db
          .updateTable('webhook_endpoints')
          .set({ secret: opts.vault.encrypt(opts.vault.decrypt(row.secret, row.id), row.id) })
          .where('id', '=', row.id)
          .where('secret', '=', row.secret)
          .execute();
      }
      if (stale.length) opts.log.info({ count: stale.length }, 're-encrypted webhook secrets with the current key');
      return stale.length === 100;
    },
  };
}
