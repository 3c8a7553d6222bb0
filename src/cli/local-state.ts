import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { SandboxInstance } from '../connectors/index.js';
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
function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
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
 * Keeps each sandbox's state in `sandbox-<platform>.json`: loaded now, saved shortly after every change
 * (any request that is not a read) and on close.
 */
export function persistSandboxes(sandboxes: Map<string, SandboxInstance>, dir: string, log: Logger): { changed(platform: string): void; saveAll(): void } {
  const fileOf = (platform: string) => join(dir, `sandbox-${platform}.json`);
  const pending = new Map<string, NodeJS.Timeout>();
  const save = (platform: string) => {
    const sandbox = sandboxes.get(platform);
    if (!sandbox?.snapshot) return;
    try {
      writePrivate(fileOf(platform), sandbox.snapshot());
    } catch (err) {
      log.warn({ err, platform }, 'could not save the sandbox state; a restart will start it empty');
    }
  };
  for (const [platform, sandbox] of sandboxes) {
    if (!sandbox.restore || !existsSync(fileOf(platform))) continue;
    try {
      sandbox.restore(readFileSync(fileOf(platform), 'utf8'));
    } catch (err) {
      log.warn({ err, platform, file: fileOf(platform) }, 'could not read the saved sandbox state; starting it empty');
    }
  }
  return {
    changed(platform) {
      if (pending.has(platform)) return;
      pending.set(
        platform,
        setTimeout(() => {
          pending.delete(platform);
          save(platform);
        }, 200).unref(),
      );
    },
    saveAll() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      for (const platform of sandboxes.keys()) save(platform);
    },
  };
}
