import type { Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { PublishInput, WithToken } from '../types.js';
import { chunkPlan, chunkRange, type ChunkPlan } from './chunks.js';
import type { TikTokClient } from './client.js';
import { refId } from './media-rules.js';
import type { TikTokPayload } from './plan.js';
import { TIKTOK } from './platform.js';

/** A FILE_UPLOAD in progress, checkpointed after every chunk. */
export interface UploadSession extends ChunkPlan {
  url: string;
  mime: string;
  /** When TikTok handed out the upload URL (valid one hour). */
  issuedAt: number;
  /** Chunks TikTok has confirmed. */
  done: number;
}

/** TikTok's upload_url lives an hour; a little less is used so a chunk is never sent to a URL about to die. */
const UPLOAD_URL_TTL_MS = 55 * 60_000;

/** The video's bytes: Pinion's stored media, or the media URL downloaded safely. */
export async function videoBytes(source: string, input: Pick<PublishInput, 'readMedia' | 'readUrl'>): Promise<{ bytes: Buffer; mime: string }> {
  const id = refId(source);
  let media: { bytes: Buffer; mime: string };
  try {
    media = id !== undefined ? await input.readMedia(id) : await input.readUrl(source);
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    // A deleted stored file will not come back; a URL that cannot be read now may later.
    throw new ConnectorError(id !== undefined ? 'rejected' : 'retryable', `The video ${id ?? source} could not be read: ${(err as Error).message}`);
  }
  if (!(TIKTOK.media.videoTypes as readonly string[]).includes(media.mime)) {
    throw new ConnectorError('rejected', `TikTok takes MP4, MOV or WebM videos; ${id ?? source} is ${media.mime}`);
  }
  return media;
}

export const uploadVideo = {
  /** The init of a FILE_UPLOAD: TikTok answers with the publish id and the URL the chunks go to. */
  async init(client: TikTokClient, withToken: WithToken, payload: TikTokPayload, media: { bytes: Buffer; mime: string }, now = Date.now()) {
    const plan = chunkPlan(media.bytes.length);
    const inbox = payload.mode === 'inbox';
    const res = await withToken((t) =>
      client.initVideo(t, { ...(!inbox && { post_info: payload.post_info }), source_info: { source: 'FILE_UPLOAD', ...plan } }, inbox),
    );
    if (!res.upload_url) throw new ConnectorError('retryable', `TikTok gave no upload_url for publish ${res.publish_id}`);
    const upload: UploadSession = { ...plan, url: res.upload_url, mime: media.mime, issuedAt: now, done: 0 };
    return { id: res.publish_id, upload };
  },

  /**
   * Sends the chunks TikTok does not have yet, in order, checkpointing each. A session taken up
   * again asks TikTok how many bytes it holds (status/fetch uploaded_bytes): a chunk whose answer
   * was lost is not sent twice. False when the upload URL has expired with chunks still missing.
   */
  async resume(client: TikTokClient, input: PublishInput, publishId: string, session: UploadSession, media: { bytes: Buffer }, clock: Clock): Promise<boolean> {
    let start = session.done;
    if (start > 0 || readSession(input.progress)?.url === session.url) {
      const status = await input.withToken((t) => client.status(t, publishId));
      if (status.status !== 'PROCESSING_UPLOAD') return true;
      start = Math.min(session.total_chunk_count, Math.floor((status.uploaded_bytes ?? session.done * session.chunk_size) / session.chunk_size));
      if (start >= session.total_chunk_count) return true;
    }
    for (let index = start; index < session.total_chunk_count; index++) {
      if (clock.now() - session.issuedAt > UPLOAD_URL_TTL_MS) return false;
      const range = chunkRange(session, index);
      try {
        await client.uploadChunk(session.url, media.bytes.subarray(range.first, range.last + 1), range, session.mime);
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'not_found') return false;
        throw err;
      }
      await input.checkpoint({ publish: { id: publishId, upload: { ...session, done: index + 1 } } });
    }
    return true;
  },
};

/** The upload session an earlier attempt saved, if any. */
function readSession(progress: unknown): UploadSession | undefined {
  const p = progress as { publish?: { upload?: UploadSession } } | null;
  return p?.publish?.upload;
}
