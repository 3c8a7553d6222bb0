import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { SandboxBlobs, SandboxInstance } from '../connectors/index.js';
import type { Logger } from '../observability/index.js';
import type { Database } from '../store/index.js';
import { API_SCOPES, authenticate, createApiKey, findApiKeyById, revokeApiKey } from '../workspaces/index.js';

/**
 * What the embedded default (`pinion start`) keeps beside its database so a restart changes nothing for
 * the person using it: the API key it printed, and the sandboxes' users, tokens, boards and posts.
 */

/** The folder of the SQLite database (`./data` by default); for PostgreSQL, the media folder's parent. */
export function localStateDir(config: Config): string {
  const url = config.databaseUrl;
  if (url.startsWith('sqlite:') && !url.includes(':memory:')) return dirname(resolve(url.slice('sqlite:'.length)));
  return dirname(resolve(config.mediaDir));
}

/** Written whole or not at all, readable by the owner only: these files hold an API key and tokens. */
function writePrivate(file: string, text: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * The key `pinion start` prints: the one it made last time while that key still works with every scope;
 * otherwise a new one, and the old one (if any is left) revoked, so starts do not pile up keys.
 */
export async function startKey(db: Kysely<Database>, workspaceId: string, dir: string): Promise<{ id: string; key: string; reused: boolean }> {
  const file = join(dir, 'start-key.json');
  let saved: { id?: string; key?: string } = {};
  try {
    saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as typeof saved) : {};
  } catch {
    /* unreadable: replaced below */
  }
  if (saved.key && saved.id) {
    const caller = await authenticate(db, saved.key);
    if (caller && caller.workspaceId === workspaceId && API_SCOPES.every((s) => caller.scopes.has(s))) return { id: saved.id, key: saved.key, reused: true };
    const old = await findApiKeyById(db, saved.id);
    if (old && !old.revokedAt) await revokeApiKey(db, old.workspaceId, old.id);
  }
  const { key, apiKey } = await createApiKey(db, { workspaceId, name: 'pinion start', scopes: [...API_SCOPES] });
  writePrivate(file, `${JSON.stringify({ id: apiKey.id, key }, null, 2)}\n`);
  return { id: apiKey.id, key, reused: false };
}

/**
 * Media bytes of one sandbox's snapshot as files in `sandbox-<name>.media/`, each named by the SHA-256 of its
 * content: written once however often the state is saved, and removed once no snapshot names them.
 */
class BlobFolder implements SandboxBlobs {
  /** Names of what the last snapshot wrote, to remove the rest after it. */
  private used = new Set<string>();
  /** Hashing a 500 MB video at every save would be slow: each Buffer is hashed once. */
  private readonly names = new WeakMap<Buffer, string>();

  constructor(readonly dir: string) {}

  write(bytes: Buffer): string {
    let name = this.names.get(bytes);
    if (!name) this.names.set(bytes, (name = createHash('sha256').update(bytes).digest('hex')));
    const file = join(this.dir, name);
    if (!existsSync(file)) writePrivate(file, bytes);
    this.used.add(name);
    return name;
  }

  read(name: string): Buffer {
    if (!/^[0-9a-f]{64}$/.test(name)) throw new Error(`not a media file name: ${name}`);
    const bytes = readFileSync(join(this.dir, name));
    this.names.set(bytes, name);
    return bytes;
  }

  /** Runs one snapshot and hands its text to `save`; then (the text safely written) removes the files it no longer names. */
  snapshot(take: () => string, save: (text: string) => void): void {
    this.used = new Set();
    save(take());
    if (existsSync(this.dir)) for (const file of readdirSync(this.dir)) if (!this.used.has(file)) rmSync(join(this.dir, file), { force: true });
  }
}

/**
 * Keeps each sandbox's state in `sandbox-<name>.json` (the platform id, or the name mounts sharing one state
 * give it) with its media bytes in `sandbox-<name>.media/`: loaded now, saved shortly after every change (any
 * request that is not a read) and on close.
 */
export function persistSandboxes(sandboxes: Map<string, SandboxInstance>, dir: string, log: Logger): { changed(platform: string): void; saveAll(): void } {
  // Mounts of one shared state are saved and loaded once, through the first of them.
  const states = new Map<string, SandboxInstance>();
  for (const [platform, sandbox] of sandboxes) if (!states.has(sandbox.stateName ?? platform)) states.set(sandbox.stateName ?? platform, sandbox);
  const nameOf = (platform: string) => sandboxes.get(platform)?.stateName ?? platform;
  const fileOf = (name: string) => join(dir, `sandbox-${name}.json`);
  const blobs = new Map([...states.keys()].map((name) => [name, new BlobFolder(join(dir, `sandbox-${name}.media`))]));
  const pending = new Map<string, NodeJS.Timeout>();
  const save = (name: string) => {
    const sandbox = states.get(name);
    if (!sandbox?.snapshot) return;
    try {
      const folder = blobs.get(name)!;
      folder.snapshot(
        () => sandbox.snapshot!(folder),
        (text) => writePrivate(fileOf(name), text),
      );
    } catch (err) {
      log.warn({ err, sandbox: name }, 'could not save the sandbox state; a restart will start it empty');
    }
  };
  for (const [name, sandbox] of states) {
    if (!sandbox.restore || !existsSync(fileOf(name))) continue;
    try {
      sandbox.restore(readFileSync(fileOf(name), 'utf8'), blobs.get(name));
    } catch (err) {
      log.warn({ err, sandbox: name, file: fileOf(name) }, 'could not read the saved sandbox state; starting it empty');
    }
  }
  return {
    changed(platform) {
      const name = nameOf(platform);
      if (pending.has(name)) return;
      pending.set(
        name,
        setTimeout(() => {
          pending.delete(name);
          save(name);
        }, 200).unref(),
      );
    },
    saveAll() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      for (const name of states.keys()) save(name);
    },
  };
}
