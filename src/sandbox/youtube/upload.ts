import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { YouTubeContext } from './context.js';
import { errors, GoogleError } from './errors.js';
import { apiMethod, route } from './operation.js';
import { YouTubeState, type ProcessingOutcome, type UploadSession } from './state.js';
import { checkVideoMetadata } from './validate.js';
import { videoResource } from './videos-view.js';

const UNIT = 256 * 1024;
const MAX_SIZE = 274_877_906_944;

/** Containers YouTube's processing reads, by magic number: ISO-BMFF (`ftyp`), Matroska/WebM, AVI, MPEG-PS/TS, FLV. */
function knownContainer(bytes: Buffer): boolean {
  return (
    bytes.subarray(4, 8).toString('latin1') === 'ftyp' ||
    bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])) ||
    (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'AVI ') ||
    bytes.subarray(0, 4).equals(Buffer.from([0x00, 0x00, 0x01, 0xba])) ||
    bytes[0] === 0x47 ||
    bytes.subarray(0, 3).toString('latin1') === 'FLV'
  );
}

function outcomeFor(ctx: YouTubeContext, bytes: Buffer): ProcessingOutcome {
  const queued = ctx.state.nextOutcomes.shift();
  if (queued) return queued;
  if (bytes.length === 0) return { outcome: 'failed', failureReason: 'emptyFile' };
  if (ctx.options.checkContainer && !knownContainer(bytes)) return { outcome: 'failed', failureReason: 'invalidFile' };
  return ctx.options.processing;
}

/** `Content-Range: bytes a-b/total`, `bytes *\/total` or `bytes a-b/*`. */
function contentRange(header: string | undefined): { from: number; to: number; total: number | null } | { query: true; total: number | null } {
  const m = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/.exec((header ?? '').trim());
  if (!m) throw errors.badContentRange('Failed to parse Content-Range header.');
  const total = m[3] === '*' ? null : Number(m[3]);
  if (m[1] === undefined) return { query: true, total };
  return { from: Number(m[1]), to: Number(m[2]), total };
}

/** A status query (`Content-Range: bytes *\/total`) is counted and faulted as `PUT <path> (status)`, apart from the chunks. */
const statusQueryName = (path: string) => (request: FastifyRequest) =>
  /^bytes \*\//.test(String(request.headers['content-range'] ?? '').trim()) ? `PUT ${path} (status)` : `PUT ${path}`;

const rangeHeader = (received: number): Record<string, string> => (received > 0 ? { range: `bytes=0-${received - 1}` } : {});

function sessionOf(ctx: YouTubeContext, request: FastifyRequest): UploadSession {
  const id = (request.query as Record<string, string>).upload_id;
  const session = id ? ctx.state.sessions.get(id) : undefined;
  if (!session || session.createdAt + ctx.options.sessionTtlSeconds * 1000 <= ctx.clock.now()) throw errors.sessionNotFound();
  return session;
}

/**
 * The resumable protocol (guides/using_resumable_upload_protocol): POST the metadata to open a
 * session (its URI in `Location`), PUT the bytes in chunks (308 Resume Incomplete with `Range`
 * until the last), ask where it stands with `Content-Range: bytes *\/total`. The video exists
 * from the moment the last byte arrives.
 */
export function registerUploadRoutes(app: FastifyInstance, ctx: YouTubeContext): void {
  for (const path of ['/upload/youtube/v3/videos', '/resumable/upload/youtube/v3/videos']) {
    apiMethod(app, ctx, { id: 'youtube.videos.insert', path, quota: 'videos.insert' }, async ({ request, channel, token, query }) => {
      if (query.uploadType !== 'resumable' && !path.startsWith('/resumable')) {
        throw new GoogleError(
          400,
          'badRequest',
          `The emulator serves resumable uploads only (uploadType=resumable), not uploadType=${query.uploadType ?? '(none)'}`,
          'global',
        );
      }
      const metadata = checkVideoMetadata((request.body ?? {}) as Record<string, unknown>);
      const lengthHeader = request.headers['x-upload-content-length'];
      const total = lengthHeader === undefined ? null : Number(lengthHeader);
      if (total !== null && !(Number.isInteger(total) && total >= 0)) throw errors.badContentRange('Invalid X-Upload-Content-Length.');
      if (total !== null && total > MAX_SIZE) throw new GoogleError(400, 'mediaBodyTooLarge', 'The video is larger than 274877906944 bytes.', 'global');
      const mime = String(request.headers['x-upload-content-type'] ?? 'application/octet-stream');
      if (!mime.startsWith('video/') && mime !== 'application/octet-stream')
        throw new GoogleError(
          400,
          'invalidContentType',
          `Media type '${mime}' is not supported. Valid media types: [video/*, application/octet-stream]`,
          'global',
        );
      const id = ctx.state.newSessionId();
      ctx.state.sessions.set(id, {
        id,
        channelId: channel.id,
        clientId: token.clientId,
        metadata,
        part: query.part!.split(','),
        total,
        mime,
        chunks: [],
        received: 0,
        createdAt: ctx.clock.now(),
      });
      const base = `${request.protocol}://${request.headers.host}${request.url.split('?')[0]}`;
      return { status: 200, headers: { location: `${base}?uploadType=resumable&upload_id=${id}`, 'x-guploader-uploadid': id } };
    });

    route(
      app,
      ctx,
      'PUT',
      path,
      async (request) => {
        const session = sessionOf(ctx, request);
        const range = contentRange(request.headers['content-range']);
        if (session.videoId) {
          if (ctx.options.finishedSessionAnswers === 'not_found') throw errors.sessionNotFound();
          const video = ctx.state.videos.get(session.videoId)!;
          return { status: 200, body: videoResource(ctx, video, ctx.state.channels.get(video.channelId), session.part) };
        }
        if ('query' in range) return { status: 308, headers: rangeHeader(session.received) };
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const total = range.total ?? session.total;
        if (session.total !== null && range.total !== null && range.total !== session.total)
          throw errors.badContentRange(`Content-Range total ${range.total} does not match X-Upload-Content-Length ${session.total}.`);
        if (body.length !== range.to - range.from + 1)
          throw errors.badContentRange(`Content-Range covers ${range.to - range.from + 1} bytes, the body has ${body.length}.`);
        if (range.from > session.received)
          throw errors.badContentRange(`Content-Range starts at ${range.from}; the server holds bytes 0-${session.received - 1}.`);
        const last = total !== null && range.to + 1 >= total;
        // Google's words for a short chunk (google-api-php-client#2443); a longer one that is no multiple is refused too unless told otherwise.
        if (!last && (body.length < UNIT || (ctx.options.enforceChunkMultiple && body.length % UNIT !== 0))) {
          throw new GoogleError(
            400,
            'badRequest',
            `Invalid request.  The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144).  The received request contained ${body.length} bytes, which does not meet this requirement.`,
            'global',
          );
        }
        // Bytes the server already holds (a chunk sent again) are skipped, the rest appended.
        const fresh = body.subarray(session.received - range.from);
        session.chunks.push(fresh);
        session.received += fresh.length;
        session.total = total;
        if (total === null || session.received < total) return { status: 308, headers: rangeHeader(session.received) };
        const bytes = Buffer.concat(session.chunks);
        session.chunks = [];
        const app = ctx.state.apps.get(session.clientId);
        const video = {
          ...session.metadata,
          // Uploads through an unaudited project are locked to private.
          status: { ...session.metadata.status, ...(app?.unverified && { privacyStatus: 'private' }) },
          id: ctx.state.newVideoId(),
          channelId: session.channelId,
          clientId: session.clientId,
          size: bytes.length,
          mime: session.mime,
          sha256: YouTubeState.sha256(bytes),
          uploadedAt: ctx.clock.now(),
          result: outcomeFor(ctx, bytes),
        };
        ctx.state.videos.set(video.id, video);
        session.videoId = video.id;
        return { status: 201, body: videoResource(ctx, video, ctx.state.channels.get(video.channelId), session.part) };
      },
      statusQueryName(path),
    );
  }
}
