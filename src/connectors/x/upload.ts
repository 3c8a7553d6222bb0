import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { WithToken } from '../types.js';
import type { MediaCategory, XClient, XProcessingInfo } from './client.js';
import { X_MEDIA } from './platform.js';

export interface UploadOptions {
  clock?: Clock;
  /** First pause between status checks when X suggests none; doubles up to maxPollMs. */
  pollMs?: number;
  maxPollMs?: number;
  /** Give up (retryable) when X is still processing after this long. */
  processingTimeoutMs?: number;
}

export interface MediaBytes {
  bytes: Buffer;
  mime: string;
}

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** The upload category X wants for these bytes; refuses what X would refuse, before any call. */
function categoryOf(kind: 'image' | 'video', media: MediaBytes): MediaCategory {
  const { mime, bytes } = media;
  if (kind === 'video') {
    if (!(X_MEDIA.videoTypes as readonly string[]).includes(mime)) throw new ConnectorError('rejected', `X takes MP4 videos, not ${mime}`);
    if (bytes.length > X_MEDIA.maxVideoBytes)
      throw new ConnectorError('rejected', `The video is ${mb(bytes.length)}; X takes up to ${mb(X_MEDIA.maxVideoBytes)}`);
    return 'tweet_video';
  }
  if (!(X_MEDIA.imageTypes as readonly string[]).includes(mime)) throw new ConnectorError('rejected', `X takes JPEG, PNG, GIF or WEBP images, not ${mime}`);
  const gif = mime === 'image/gif';
  const max = gif ? X_MEDIA.maxGifBytes : X_MEDIA.maxImageBytes;
  if (bytes.length > max) throw new ConnectorError('rejected', `The ${gif ? 'GIF' : 'image'} is ${mb(bytes.length)}; X takes up to ${mb(max)}`);
  return gif ? 'tweet_gif' : 'tweet_image';
}

/**
 * X's chunked upload (specs/x/openapi.json): initialize, append the bytes in segments, finalize,
 * then, while X processes the media (videos and GIFs), poll its status until it has succeeded or
 * failed, waiting what X's `check_after_secs` says (else backing off). Alt text is set last with
 * POST /2/media/metadata. Returns X's media id. A lost answer here is only retryable: an upload
 * that is never attached to a post expires on X's side.
 */
export async function uploadMedia(
  client: XClient,
  withToken: WithToken,
  kind: 'image' | 'video',
  media: MediaBytes,
  altText: string | undefined,
  opts: UploadOptions = {},
): Promise<string> {
  const clock = opts.clock ?? systemClock;
  const category = categoryOf(kind, media);
  const { id } = await withToken((t) => client.initializeUpload(t, { media_type: media.mime, total_bytes: media.bytes.length, media_category: category }));
  for (let index = 0, offset = 0; offset < media.bytes.length; index++, offset += X_MEDIA.segmentBytes) {
    const chunk = media.bytes.subarray(offset, offset + X_MEDIA.segmentBytes);
    await withToken((t) => client.appendUpload(t, id, index, chunk, media.mime));
  }
  let info: XProcessingInfo | undefined = (await withToken((t) => client.finalizeUpload(t, id))).processing_info;
  const timeoutMs = opts.processingTimeoutMs ?? 15 * 60_000;
  const giveUpAt = clock.now() + timeoutMs;
  let wait = opts.pollMs ?? 1000;
  while (info && info.state !== 'succeeded') {
    if (info.state === 'failed') {
      throw new ConnectorError('rejected', `X could not process the ${kind} (media ${id}): ${info.error?.message ?? info.error?.name ?? 'processing failed'}`);
    }
    if (clock.now() >= giveUpAt)
      throw new ConnectorError('retryable', `X was still processing the ${kind} (media ${id}) after ${Math.round(timeoutMs / 1000)} s`);
    const suggested = info.check_after_secs !== undefined && info.check_after_secs > 0 ? info.check_after_secs * 1000 : undefined;
    await clock.sleep(suggested ?? wait);
    wait = Math.min(wait * 2, opts.maxPollMs ?? 15_000);
    info = (await withToken((t) => client.uploadStatus(t, id))).processing_info;
  }
  if (altText !== undefined && altText !== '') await withToken((t) => client.setAltText(t, id, altText));
  return id;
}
