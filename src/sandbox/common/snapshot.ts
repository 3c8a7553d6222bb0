/**
 * An emulator's state as JSON text and back, so `pinion start` can keep it beside its database: a restart
 * then leaves connected accounts working and their boards and posts where they were. Handles what the
 * states hold besides plain JSON: Maps, Dates, Buffers and bigints.
 */

type Tagged = { $map: Array<[unknown, unknown]> } | { $date: string } | { $bytes: string } | { $bigint: string };

function encode(value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encode(k), encode(v)]) };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value)) return { $bytes: value.toString('base64') };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(encode);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (!value || typeof value !== 'object') return value;
  const t = value as Tagged;
  if ('$map' in t) return new Map(t.$map.map(([k, v]) => [decode(k), decode(v)]));
  if ('$date' in t) return new Date(t.$date);
  if ('$bytes' in t) return Buffer.from(t.$bytes, 'base64');
  if ('$bigint' in t) return BigInt(t.$bigint);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
}

/** The named maps as one JSON text. */
export function snapshotMaps(maps: Record<string, Map<unknown, unknown>>): string {
  return JSON.stringify({ version: 1, maps: encode(maps) });
}

/** Replaces the contents of the named maps with a snapshot's; maps the snapshot lacks are left as they are. */
export function restoreMaps(maps: Record<string, Map<unknown, unknown>>, text: string): void {
  const parsed = JSON.parse(text) as { version?: number; maps?: unknown };
  if (parsed.version !== 1 || !parsed.maps) throw new Error('not a sandbox snapshot this version reads');
  const saved = decode(parsed.maps) as Record<string, Map<unknown, unknown> | undefined>;
  for (const [name, map] of Object.entries(maps)) {
    const from = saved[name];
    if (!(from instanceof Map)) continue;
    map.clear();
    for (const [k, v] of from) map.set(k, v);
  }
}
