import { ConnectorError } from '../errors.js';
import type { PinterestClient, PinterestMediaUpload } from './client.js';

export interface VideoUploadOptions {
  /** First pause between status checks; doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up (retryable) when processing takes longer than this. */
  timeoutMs?: number;
  timeoutPerUploadMs?: number;
}

/**
 * Sends video bytes to the S3 form Pinterest handed out: its fields first, then `file`, and no
 * Pinterest token (S3 authorises by the signed policy). S3 answers 204 unless told otherwise.
 */
async function sendToS3(upload: PinterestMediaUpload, bytes: Buffer, mime: string, timeoutMs: number): Promise<void> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.upload_parameters)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: mime }), 'video');
  let res: Response;
  try {
    res = await fetch(upload.upload_url, { method: 'POST', body: form, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ConnectorError('retryable', `Video upload to Pinterest's storage failed: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const text = (await res.text()).slice(0, 300);
    throw new ConnectorError(res.status >= 500 ? 'retryable' : 'rejected', `Video upload to Pinterest's storage was refused (${res.status}): ${text}`, {
      status: res.status,
    });
  }
}

/**
 * The video steps of Pinterest's contract (SUMMARY §4): register, upload, then poll the media
 * until it has been processed. Returns Pinterest's media id for `video_id` pins. A video that
 * Pinterest fails to process is rejected content, not something to retry.
 */
export async function uploadVideo(
  client: PinterestClient,
  withToken: <T>(call: (token: string) => Promise<T>) => Promise<T>,
  bytes: Buffer,
  mime: string,
  opts: VideoUploadOptions = {},
): Promise<string> {
  const upload = await withToken((t) => client.registerVideo(t));
  await sendToS3(upload, bytes, mime, opts.timeoutPerUploadMs ?? 10 * 60_000);
  const giveUpAt = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let wait = opts.pollMs ?? 1000;
  for (;;) {
    const media = await withToken((t) => client.getMedia(t, upload.media_id));
    if (media.status === 'succeeded') return upload.media_id;
    if (media.status === 'failed') throw new ConnectorError('rejected', `Pinterest could not process the video (media ${upload.media_id} failed)`);
    if (Date.now() > giveUpAt)
      throw new ConnectorError('retryable', `Pinterest was still processing the video after ${Math.round((opts.timeoutMs ?? 900_000) / 1000)} s`);
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, opts.maxPollMs ?? 15_000);
  }
}
