import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** More bytes arrived than the caller allowed. */
export class SpoolTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
    this.name = 'SpoolTooLarge';
  }
}

export interface Spooled {
  path: string;
  sha256: string;
  size: number;
}

/**
 * Writes a stream to a temporary file while hashing and counting it, stopping at `maxBytes`:
 * a 2 GB video passes through in chunks and is never held in memory. The file is removed on failure.
 */
export async function spool(source: Readable | AsyncIterable<Buffer>, dir: string, maxBytes: number): Promise<Spooled> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `in-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new SpoolTooLarge(maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path));
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
  return { path, sha256: hash.digest('hex'), size };
}
