import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** Where media bytes live, addressed by their SHA-256: the same bytes are stored once. */
export interface MediaStore {
  put(sha256: string, bytes: Buffer, contentType: string): Promise<void>;
  /** Takes a file already on local disk (a spooled upload); the file is gone afterwards. */
  putFile(sha256: string, path: string, contentType: string): Promise<void>;
  get(sha256: string): Promise<Buffer>;
  /** The bytes as a stream, so serving a large video does not hold it in memory. */
  stream(sha256: string): Promise<Readable>;
  exists(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** The hash becomes a path or key: anything else (`../`) must never get that far. */
export function checkSha(sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256.slice(0, 80)}`);
  return sha256;
}
/** `ab/cd/abcd…`: two levels of fan-out keep any one directory small. */
export const contentPath = (sha256: string) => `${checkSha(sha256).slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;

/** Files under `dir`; writes go to `dir/tmp` first and are renamed in, so a reader never sees half a file. */
export class LocalMediaStore implements MediaStore {
  constructor(readonly dir: string) {}

  /** Spooled uploads are written here: on the same filesystem, so moving one in is a rename. */
  get tmpDir(): string {
    return join(this.dir, 'tmp');
  }

  private path(sha256: string) {
    return join(this.dir, contentPath(sha256));
  }

  /** The content type is not kept: it is probed again from the bytes, and the database has it. */
  async put(sha256: string, bytes: Buffer, _contentType?: string): Promise<void> {
    if (await this.exists(sha256)) return;
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `put-${randomBytes(8).toString('hex')}`);
    await writeFile(tmp, bytes);
    await this.putFile(sha256, tmp);
  }

  async putFile(sha256: string, path: string, _contentType?: string): Promise<void> {
    const target = this.path(sha256);
    if (await this.exists(sha256)) {
      await rm(path, { force: true });
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    try {
      // Same content, same name: two writers racing both leave the right bytes.
      await rename(path, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
      await copyFile(path, tmp);
      await rename(tmp, target);
      await unlink(path);
    }
  }

  get(sha256: string): Promise<Buffer> {
    return readFile(this.path(sha256));
  }

  async stream(sha256: string): Promise<Readable> {
    const path = this.path(sha256);
    await stat(path);
    return createReadStream(path);
  }

  async exists(sha256: string): Promise<boolean> {
    try {
      await stat(this.path(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }
}
