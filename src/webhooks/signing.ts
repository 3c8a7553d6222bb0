import { createHmac, randomBytes } from 'node:crypto';

/**
 * A new endpoint signing secret: shown to the user once, then kept only sealed. Standard base64 after
 * `whsec_`, as Standard Webhooks libraries decode it; Pinion's own format uses the whole string as the key.
 */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Hex HMAC-SHA256 of `${timestamp}.${body}` keyed with the whole secret string (`whsec_…` as
 * UTF-8). The timestamp is signed too, so a captured request cannot be replayed later with a
 * fresh timestamp.
 */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `pinion-signature` header: `t=<unix seconds>,v1=<hex>`, with one `v1` per secret while a
 * rotated-out secret still signs (the current secret's first). A receiver accepts any `v1` it can match.
 */
export function signatureHeader(secrets: string | string[], body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return [`t=${t}`, ...[secrets].flat().map((s) => `v1=${signature(s, t, body)}`)].join(',');
}

/**
 * Standard Webhooks (standardwebhooks.com) headers, so receivers can verify with off-the-shelf libraries:
 * `webhook-signature` is `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the base64-decoded part
 * of the secret after `whsec_`, one space-separated entry per secret that signs.
 */
export function standardWebhookHeaders(secrets: string | string[], id: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  const sign = (secret: string) =>
    createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
      .update(`${id}.${timestamp}.${body}`)
      .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': [secrets]
      .flat()
      .map((s) => `v1,${sign(s)}`)
      .join(' '),
  };
}
