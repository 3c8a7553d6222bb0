/**
 * An emulator's state as JSON text and back, so `pinion start` can keep it beside its database: a restart
 * then leaves connected accounts working and their boards and posts where they were. Handles what the
 * states hold besides plain JSON: Maps, Dates, Buffers and bigints.
 *
 * Media bytes (uploads, video chunks) do not go into the text when the caller gives `blobs`: each Buffer is
 * written once as a file of its own (named by its content) and the text keeps only its name and size, so
 * the JSON stays small however many videos were uploaded. Without `blobs` (a test, a one-off copy) they are
 * inlined as base64.
 */

/** Where a snapshot keeps its media bytes: `write` answers a name that `read` takes back. */
export interface SnapshotBlobs {
  write(bytes: Buffer): string;
  read(name: string): Buffer;
}

type Tagged = { $map: Array<[unknown, unknown]> } | { $date: string } | { $bytes: string } | { $file: string; size: number } | { $bigint: string };

function encode(value: unknown, blobs?: SnapshotBlobs): unknown {
  const inner = (v: unknown) => encode(v, blobs);
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [inner(k), inner(v)]) };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Buffer.isBuffer(value)) return blobs ? { $file: blobs.write(value), size: value.length } : { $bytes: value.toString('base64') };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (Array.isArray(value)) return value.map(inner);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inner(v)]));
  return value;
}

function decode(value: unknown, blobs?: SnapshotBlobs): unknown {
  const inner = (v: unknown) => decode(v, blobs);
  if (Array.isArray(value)) return value.map(inner);
  if (!value || typeof value !== 'object') return value;
  const t = value as Tagged;
  if ('$map' in t) return new Map(t.$map.map(([k, v]) => [inner(k), inner(v)]));
  if ('$date' in t) return new Date(t.$date);
  if ('$bytes' in t) return Buffer.from(t.$bytes, 'base64');
  if ('$file' in t) {
    if (!blobs) throw new Error('this snapshot keeps media in files: restore it with its blobs');
    return blobs.read(t.$file);
  }
  if ('$bigint' in t) return BigInt(t.$bigint);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inner(v)]));
}

/**
 * The named maps as one JSON text, with `values`: what a state holds besides maps (lists, id counters)
 * that must come back too (an id counter starting over would hand out ids already taken).
 */
export function snapshotMaps(maps: Record<string, Map<unknown, unknown>>, options: { values?: Record<string, unknown>; blobs?: SnapshotBlobs } = {}): string {
  return JSON.stringify({ version: 1, maps: encode(maps, options.blobs), ...(options.values && { values: encode(options.values, options.blobs) }) });
}

/**
 * Replaces the contents of the named maps with a snapshot's; maps the snapshot lacks are left as they are.
 * Answers the snapshot's `values` ({} if none), for the caller to put back.
 */
export function restoreMaps(maps: Record<string, Map<unknown, unknown>>, text: string, blobs?: SnapshotBlobs): Record<string, unknown> {
  const parsed = JSON.parse(text) as { version?: number; maps?: unknown; values?: unknown };
  if (parsed.version !== 1 || !parsed.maps) throw new Error('not a sandbox snapshot this version reads');
  // Everything is decoded before anything is replaced: a missing media file leaves the state as it was.
  const saved = decode(parsed.maps, blobs) as Record<string, Map<unknown, unknown> | undefined>;
  const values = (parsed.values ? decode(parsed.values, blobs) : {}) as Record<string, unknown>;
  for (const [name, map] of Object.entries(maps)) {
    const from = saved[name];
    if (!(from instanceof Map)) continue;
    map.clear();
    for (const [k, v] of from) map.set(k, v);
  }
  return values;
}
