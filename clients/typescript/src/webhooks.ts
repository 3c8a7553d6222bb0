import { createHmac, timingSafeEqual } from 'node:crypto';

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

const header = (headers: Headers, name: string): string | undefined => {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name] ?? (headers as Record<string, string | string[] | undefined>)[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

/**
 * Checks that a webhook request came from Pinion, in either format an endpoint may use: Pinion's
 * (`pinion-signature: t=…,v1=<hex>`) or Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>`). Pass the raw body exactly as received, before parsing it.
 * Requests older than `toleranceSeconds` are refused, so a captured one cannot be replayed.
 */
export function verifyWebhook(secret: string, headers: Headers, rawBody: string, options: { toleranceSeconds?: number; now?: number } = {}): boolean {
  const now = (options.now ?? Date.now()) / 1000;
  const tolerance = options.toleranceSeconds ?? 300;
  const fresh = (t: number) => Number.isFinite(t) && Math.abs(now - t) <= tolerance;

  const standard = header(headers, 'webhook-signature');
  if (standard !== undefined) {
    const id = header(headers, 'webhook-id') ?? '';
    const timestamp = header(headers, 'webhook-timestamp') ?? '';
    if (!id || !fresh(Number(timestamp))) return false;
    const expected = createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
      .update(`${id}.${timestamp}.${rawBody}`)
      .digest();
    return standard.split(' ').some((entry) => {
      const [version, sig] = entry.split(',');
      return version === 'v1' && equal(Buffer.from(sig ?? '', 'base64'), expected);
    });
  }

  const pinion = header(headers, 'pinion-signature');
  if (pinion === undefined) return false;
  const parts = pinion.split(',').map((kv) => kv.split('=') as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!fresh(t)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  // During a secret rotation with overlap there are two v1 values: either may match.
  return parts.some(([k, v]) => k === 'v1' && equal(Buffer.from(v ?? '', 'hex'), expected));
}
