import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/** Random bytes drawn 4 KiB at a time: one randomBytes call per id was a visible share of storing a large import. */
let pool = Buffer.alloc(0);
let at = 0;
function random10(): Buffer {
  if (at + 10 > pool.length) {
    pool = randomBytes(4096);
    at = 0;
  }
  at += 10;
  return pool.subarray(at - 10, at);
}

/**
 * `<prefix>_<10 chars of time><16 chars of randomness>`: ids sort by creation time, which gives
 * cursor pagination a stable order, and carry 80 random bits so they cannot be guessed.
 */
export function newId(prefix: string, now = Date.now()): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random10();
  let rand = '';
  // 10 bytes = 80 bits = 16 base32 characters, 5 bits at a time.
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      rand += CROCKFORD[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return `${prefix}_${time}${rand}`;
}
