import { ConnectorError } from '../errors.js';
import type { WithToken } from '../types.js';
import type { VideoResource, YouTubeClient } from './client.js';
import { YT } from './platform.js';

/** A resumable upload session: where the bytes go, and how many there are. */
export interface UploadSession {
  uri: string;
  total: number;
}

/** Where a session stands, as the server says: bytes it holds, the video when complete, or gone. */
export type SessionState = { kind: 'incomplete'; received: number } | { kind: 'complete'; video: VideoResource } | { kind: 'gone' };

/**
 * Chunk size: multiples of 256 KiB (the protocol's rule for every chunk but the last), about a
 * quarter of the file so small videos are resumable too, and never over 8 MiB so a lost chunk
 * is cheap to send again.
 */
export function chunkSize(total: number): number {
  const quarter = Math.ceil(total / 4 / YT.chunkUnit) * YT.chunkUnit;
  return Math.min(YT.maxChunkBytes, Math.max(YT.chunkUnit, quarter));
}

/** `Range: bytes=0-N` of a 308: N+1 bytes are stored; no Range header means none are. */
export function receivedFrom(range: string | null): number {
  const m = range ? /bytes=0-(\d+)/.exec(range) : null;
  return m ? Number(m[1]) + 1 : 0;
}

/** Opens a session (`uploadType=resumable`): the metadata goes first, the session URI comes back in `Location`. */
export async function openSession(
  client: YouTubeClient,
  token: string,
  input: { metadata: unknown; total: number; mime: string; notifySubscribers: boolean },
): Promise<UploadSession> {
  const res = await client.call<unknown>({
    method: 'POST',
    url: `${client.api}/upload/youtube/v3/videos`,
    operation: 'videos.insert',
    bearer: token,
    query: { uploadType: 'resumable', part: 'snippet,status', notifySubscribers: input.notifySubscribers },
    headers: { 'x-upload-content-length': String(input.total), 'x-upload-content-type': input.mime },
    json: input.metadata,
  });
  const location = res.headers.get('location');
  if (!location) throw new ConnectorError('retryable', 'YouTube videos.insert: the resumable session answer had no Location header');
  return { uri: new URL(location, client.api).toString(), total: input.total };
}

/** A PUT to the session: one chunk, or an empty status query (`Content-Range: bytes *\/total`). */
async function put(client: YouTubeClient, token: string, session: UploadSession, from: number, chunk: Buffer | null): Promise<SessionState> {
  const last = chunk !== null && from + chunk.length >= session.total;
  try {
    const res = await client.call<VideoResource>({
      method: 'PUT',
      url: session.uri,
      operation: 'videos.insert',
      bearer: token,
      headers: {
        'content-range': chunk === null ? `bytes */${session.total}` : `bytes ${from}-${from + chunk.length - 1}/${session.total}`,
        'content-type': 'application/octet-stream',
      },
      bytes: chunk ?? Buffer.alloc(0),
      // The last chunk makes the video; a status query of a full session may answer with it.
      mayCreate: last || chunk === null,
    });
    if (res.status === 308) return { kind: 'incomplete', received: receivedFrom(res.headers.get('range')) };
    return { kind: 'complete', video: res.body };
  } catch (err) {
    // 404/410: the session expired or never was; the protocol says start again.
    if (err instanceof ConnectorError && err.kind === 'not_found') return { kind: 'gone' };
    throw err;
  }
}

export const sessionState = (client: YouTubeClient, token: string, session: UploadSession) => put(client, token, session, 0, null);

/**
 * Sends the bytes the server does not hold yet, chunk by chunk, always from the byte the server
 * last confirmed (never from Pinion's own count), until the video comes back.
 */
export async function sendBytes(
  client: YouTubeClient,
  withToken: WithToken,
  session: UploadSession,
  bytes: Buffer,
  from: number,
): Promise<VideoResource | 'gone'> {
  const size = chunkSize(session.total);
  let at = from;
  for (let guard = 0; guard < 10_000; guard++) {
    const chunk = bytes.subarray(at, Math.min(at + size, session.total));
    // Every byte is held yet no video came back (its answer was lost): the status query brings it.
    const state = await withToken((t) => (chunk.length === 0 ? sessionState(client, t, session) : put(client, t, session, at, chunk)));
    if (state.kind === 'incomplete' && chunk.length === 0)
      throw new ConnectorError('retryable', 'YouTube videos.insert: every byte was sent, the session still says incomplete');
    if (state.kind === 'complete') return state.video;
    if (state.kind === 'gone') return 'gone';
    if (state.received <= at && chunk.length > 0) {
      // The server kept nothing of this chunk: ask where it stands rather than loop.
      const again = await withToken((t) => sessionState(client, t, session));
      if (again.kind !== 'incomplete') return again.kind === 'complete' ? again.video : 'gone';
      if (again.received <= at) throw new ConnectorError('retryable', `YouTube videos.insert: the upload session did not take bytes from ${at}`);
      at = again.received;
    } else at = state.received;
  }
  throw new ConnectorError('retryable', 'YouTube videos.insert: the upload did not finish');
}
