import { createFile } from 'mp4box';
import sharp from 'sharp';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER } from '../../helpers/posts.js';
import type { TikTokSandboxOptions } from '../../../src/sandbox/tiktok/index.js';
import { loadConfig, type Config } from '../../../src/config/index.js';

/**
 * A structurally valid MP4 (ftyp, moov with one H.264 track, mdat) of about `bytes` bytes: enough
 * for Pinion's probe (size, duration, 720×1280) and the emulator's format check, not to play.
 */
export function mp4(opts: { bytes?: number; durationMs?: number; width?: number; height?: number } = {}): Buffer {
  const { bytes = 200_000, durationMs = 6000, width = 720, height = 1280 } = opts;
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
  const samples = 30;
  const each = Math.max(16, Math.floor(bytes / samples));
  for (let i = 0; i < samples; i++) file.addSample(track, new Uint8Array(each).fill(i), { duration: durationMs / samples, is_sync: i === 0 });
  return Buffer.from(file.getBuffer().buffer as ArrayBuffer);
}

export const jpeg = (w = 1080, h = 1350) =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 250, g: 40, b: 80 } } })
    .jpeg()
    .toBuffer();

/**
 * Pinion with its worker and the TikTok emulator mounted, made quick: short processing, and
 * Pinion's own pacing of inits (6 a minute, one every 10 s) loosened so retries follow at once.
 */
export async function startTikTokPinion(
  sandbox: TikTokSandboxOptions = {},
  config: Partial<Config> = {},
  scheduler: Partial<Config['scheduler']> = {},
): Promise<TestPinion> {
  const platforms = loadConfig({ env: {} }).platforms;
  return startTestPinion({
    worker: true,
    sandboxes: { tiktok: { processingMs: 150, ...sandbox } as Record<string, unknown> },
    config: {
      scheduler: { ...FAST_SCHEDULER, ...scheduler } as Config['scheduler'],
      platforms: {
        ...platforms,
        tiktok: { ...platforms.tiktok!, timeoutMs: 5000, writeBudget: { limit: 600, windowSeconds: 60, perDay: 0 }, outcomeWindowSeconds: 1 },
      },
      ...config,
    },
  });
}

export async function uploadVideo(p: TestPinion, bytes: Buffer): Promise<{ id: string; kind: string; size: number; duration_ms: number | null }> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'video/mp4' }), 'clip.mp4');
  const res = await fetch(`${p.url}/api/v1/media`, { method: 'POST', headers: { authorization: `Bearer ${p.apiKey}` }, body: form });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; kind: string; size: number; duration_ms: number | null };
}
