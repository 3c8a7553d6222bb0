import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/index.js';

/**
 * Platform tokens are encrypted at rest with AES-256-GCM. Each ciphertext names its key, so keys
 * rotate by putting a new one first: new writes use it, old rows still decrypt, and
 * `reencrypt` moves them over. The account id is bound in as associated data, so a ciphertext
 * copied onto another account's row does not decrypt.
 */
export class TokenVault {
  private readonly keys: Map<string, Buffer>;
  readonly primaryKeyId: string;

  constructor(keys: Array<{ id: string; key: Buffer }>) {
    if (!keys.length) throw new Error('The token vault needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`Encryption key "${k.id}" must be 32 bytes`);
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
    this.primaryKeyId = keys[0]!.id;
  }

  encrypt(plaintext: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.primaryKeyId)!, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.primaryKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(sealed: string, boundTo: string): string {
    const [version, keyId, iv, tag, ct] = sealed.split('.');
    if (version !== 'v1' || !keyId || iv === undefined || tag === undefined || ct === undefined) throw new Error('Not a sealed token');
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`Token sealed with encryption key "${keyId}", which is not configured`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** True when the value was sealed with a key other than the primary one. */
  isStale(sealed: string): boolean {
    return sealed.split('.')[1] !== this.primaryKeyId;
  }
}

export const generateKeySpec = (id = `k${Date.now().toString(36)}`) => `${id}:${randomBytes(32).toString('base64')}`;

function parseKeySpec(spec: string): { id: string; key: Buffer } {
  const i = spec.indexOf(':');
  return { id: spec.slice(0, i), key: Buffer.from(spec.slice(i + 1), 'base64') };
}

/**
 * Keys from config; on the embedded SQLite default with none configured, a key file beside the
 * database, made on first use, so `pinion start` works with no setup. Several machines sharing
 * PostgreSQL must share keys, so there the keys must be configured.
 */
export function loadVault(config: Config): TokenVault {
  if (config.encryptionKeys.length) return new TokenVault(config.encryptionKeys.map(parseKeySpec));
  if (!config.databaseUrl.startsWith('sqlite:')) {
    throw new Error('PINION_ENCRYPTION_KEYS must be set when using PostgreSQL (every process needs the same key). Generate one with: pinion encryption-key');
  }
  const dbPath = config.databaseUrl.slice('sqlite:'.length);
  if (dbPath === ':memory:') return new TokenVault([parseKeySpec(generateKeySpec('memory'))]);
  const file = join(dirname(resolve(dbPath)), 'encryption.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, `${generateKeySpec('local')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process made it first
    }
  }
  return new TokenVault(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map(parseKeySpec),
  );
}
