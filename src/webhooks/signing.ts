import { createHmac, randomBytes } from 'node:crypto';

/** A new endpoint signing secret: shown to the user once, then kept only sealed. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * Hex HMAC-SHA256 of `${timestamp}.${body}` keyed with the whole secret string (`whsec_…` as
 * UTF-8). The timestamp is signed too, so a captured request cannot be replayed later with a
 * fresh timestamp.
 */
export function signature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The `pinion-signature` header: `t=<unix seconds>,v1=<hex>`. */
export function signatureHeader(secret: string, body: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${signature(secret, t, body)}`;
}
