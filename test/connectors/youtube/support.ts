import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFile } from 'mp4box';
import { loadConfig, type Config } from '../../../src/config/index.js';
import type { YouTubeSandbox } from '../../../src/sandbox/youtube/index.js';
import { pinionDaemon } from '../../helpers/cli.js';
import type { TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER } from '../../helpers/posts.js';
import { uploadFile } from '../../media/support.js';

export { uploadFile };

/**
 * A structurally valid MP4 (ftyp, moov with one H.264 track, mdat) of the given shape and length,
 * padded with zero samples to about `bytes`: enough for Pinion's probe and the emulator's checks.
 */
export function mp4(width: number, height: number, durationMs: number, bytes = 600 * 1024): Buffer {
  const file = createFile();
  const sps = [0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x00, 0xa0, 0x47, 0xfe, 0xc8];
  const pps = [0x68, 0xce, 0x38, 0x80];
  const avcC = Uint8Array.from([1, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0, sps.length, ...sps, 1, 0, pps.length, ...pps]);
  const track = file.addTrack({
    type: 'avc1',
    width,
    height,
    timescale: 1000,
    duration: durationMs,
    media_duration: durationMs,
    avcDecoderConfigRecord: avcC.buffer,
    brands: ['isom', 'mp41'],
  });
  const samples = 20;
  for (let i = 0; i < samples; i++)
    file.addSample(track, new Uint8Array(Math.floor(bytes / samples)), { duration: Math.floor(durationMs / samples), is_sync: i === 0 });
  return Buffer.from(file.getBuffer().buffer as ArrayBuffer);
}

/** Every platform's defaults, YouTube's made quick for tests: a short timeout, no upload spacing, the given quota. */
export function fastYouTube(overrides: { unitsPerDay?: number; timeoutMs?: number } = {}): Config['platforms'] {
  const platforms = loadConfig({ env: {} }).platforms;
  const yt = platforms.youtube!;
  return {
    ...platforms,
    youtube: {
      ...yt,
      timeoutMs: overrides.timeoutMs ?? 3000,
      writeBudget: { limit: 1000, windowSeconds: 1, perDay: 0 },
      // The emulator answers or drops at once, never commits late: a short window keeps retries quick.
      outcomeWindowSeconds: 1,
      quota: { ...yt.quota!, unitsPerDay: overrides.unitsPerDay ?? yt.quota!.unitsPerDay },
    },
  };
}

export const sandboxOf = (p: TestPinion) => p.sandboxes.get('youtube') as YouTubeSandbox;

export async function storedMedia(p: TestPinion, bytes: Buffer, name: string): Promise<string> {
  const res = await uploadFile(p, bytes, name);
  if (res.status !== 201) throw new Error(`upload of ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/**
 * `pinion worker` processes against the test's database, media folder and embedded emulator: the
 * shared helper's config carries no media folder, and a video post reads its stored bytes.
 */
export async function startMediaWorkers(p: TestPinion, count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'pinion-yt-worker-'));
  const file = join(dir, 'pinion.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      databaseUrl: p.config.databaseUrl,
      encryptionKeys: p.config.encryptionKeys,
      mediaDir: p.config.mediaDir,
      logLevel: 'warn',
      scheduler: FAST_SCHEDULER,
      platforms: p.config.platforms,
    }),
  );
  const workers = await Promise.all(Array.from({ length: count }, () => pinionDaemon(['worker', '--json'], /"worker": true/, { PINION_CONFIG: file })));
  return { workers, stop: () => Promise.all(workers.map((w) => w.stop())) };
}
