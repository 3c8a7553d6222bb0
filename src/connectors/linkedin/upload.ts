import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { WithToken } from '../types.js';
import type { LinkedInClient, MediaStatus, VideoUpload } from './client.js';

export interface UploadOptions {
  clock?: Clock;
  /** First pause between status checks; doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up (retryable: the next attempt resumes the same upload) when LinkedIn is still processing after this long. */
  processingTimeoutMs?: number;
}

export interface MediaBytes {
  bytes: Buffer;
  mime: string;
}

/** A video upload under way, saved after every step so a later attempt goes on with the same video. */
export interface VideoProgress extends VideoUpload {
  /** ETag of each part sent, by part index; finalize needs them all, in order. */
  etags: Array<string | null>;
  finalized: boolean;
}

interface Target {
  client: LinkedInClient;
  withToken: WithToken;
  version: string;
  owner: string;
}

/** Waits until an image or video is AVAILABLE; PROCESSING_FAILED is LinkedIn's refusal, with its reason. */
async function untilAvailable(t: Target, kind: 'image' | 'video', urn: string, opts: UploadOptions): Promise<void> {
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.processingTimeoutMs ?? 15 * 60_000;
  const giveUpAt = clock.now() + timeoutMs;
  let wait = opts.pollMs ?? 500;
  for (;;) {
    const status: MediaStatus = await t.withToken((token) =>
      kind === 'image' ? t.client.image(token, t.version, urn) : t.client.video(token, t.version, urn),
    );
    if (status.status === 'AVAILABLE') return;
    if (status.status === 'PROCESSING_FAILED') {
      throw new ConnectorError('rejected', `LinkedIn could not process the ${kind} (${urn}): ${status.processingFailureReason ?? 'processing failed'}`);
    }
    if (clock.now() >= giveUpAt)
      throw new ConnectorError('retryable', `LinkedIn was still processing the ${kind} (${urn}) after ${Math.round(timeoutMs / 1000)} s`);
    await clock.sleep(wait);
    wait = Math.min(wait * 2, opts.maxPollMs ?? 10_000);
  }
}

/** Images API: initializeUpload, then PUT the bytes; returns the image URN once LinkedIn can use it. */
export async function uploadImage(t: Target, media: MediaBytes, saved: (urn: string) => Promise<void>, opts: UploadOptions): Promise<string> {
  const { uploadUrl, image } = await t.withToken((token) => t.client.initializeImageUpload(token, t.version, t.owner));
  await t.withToken((token) => t.client.upload(token, uploadUrl, media.bytes, 'image'));
  await saved(image);
  await untilAvailable(t, 'image', image, opts);
  return image;
}

/** An image an earlier attempt uploaded: still usable (LinkedIn keeps it) or gone, so upload again. */
export async function reuseImage(t: Target, urn: string, opts: UploadOptions): Promise<boolean> {
  try {
    await untilAvailable(t, 'image', urn, opts);
    return true;
  } catch (err) {
    if (err instanceof ConnectorError && err.kind === 'not_found') return false;
    throw err;
  }
}

/**
 * Videos API, resumable: initializeUpload (the video URN and the parts' byte ranges), PUT each
 * part and keep its ETag, finalizeUpload with the ETags in order, then wait for AVAILABLE.
 * `progress` (saved by `save` after every step) lets an attempt after a crash go on with the same
 * video: parts already sent are not sent again, and a second video is never started while the
 * first can still be finished.
 */
export async function uploadVideo(
  t: Target,
  media: MediaBytes,
  progress: VideoProgress | undefined,
  save: (p: VideoProgress) => Promise<void>,
  opts: UploadOptions,
): Promise<string> {
  let p = progress;
  if (p) {
    let status: MediaStatus | undefined;
    try {
      status = await t.withToken((token) => t.client.video(token, t.version, p!.video));
    } catch (err) {
      // LinkedIn dropped an upload that was never finished: nothing of it can show, start again.
      if (!(err instanceof ConnectorError && err.kind === 'not_found')) throw err;
    }
    if (!status) p = undefined;
    else if (status.status !== 'WAITING_UPLOAD' && status.status !== 'UPLOADED') p = { ...p, finalized: true };
  }
  if (!p) {
    const started = await t.withToken((token) => t.client.initializeVideoUpload(token, t.version, t.owner, media.bytes.length));
    p = { ...started, etags: started.uploadInstructions.map(() => null), finalized: false };
    await save(p);
  }
  if (!p.finalized) {
    for (const [i, part] of p.uploadInstructions.entries()) {
      if (p.etags[i]) continue;
      const chunk = media.bytes.subarray(part.firstByte, part.lastByte + 1);
      const etag = await t.withToken((token) => t.client.upload(token, part.uploadUrl, chunk, 'video part'));
      if (!etag) throw new ConnectorError('retryable', `LinkedIn's video part upload ${i + 1} answered without an ETag`);
      p = { ...p, etags: p.etags.map((e, j) => (j === i ? etag : e)) };
      await save(p);
    }
    const etags = p.etags as string[];
    await t.withToken((token) => t.client.finalizeVideoUpload(token, t.version, p!.video, p!.uploadToken, etags));
    p = { ...p, finalized: true };
    await save(p);
  }
  await untilAvailable(t, 'video', p.video, opts);
  return p.video;
}
