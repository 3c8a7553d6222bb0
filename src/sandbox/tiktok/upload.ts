import type { FastifyInstance } from 'fastify';
import { drop, hang, sendError, type SandboxContext } from './context.js';
import { TikTokError, errors } from './errors.js';
import { bytesArrived } from './processing.js';

const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'];
const OPERATION = 'PUT /upload/';

/**
 * The upload_url of a FILE_UPLOAD: one PUT per chunk, in order, each with
 * `Content-Range: bytes {first}-{last}/{total}` matching the chunk rules of the init.
 * 206 while chunks are missing, 201 with the last; the URL dies after an hour.
 */
export async function registerUploadRoute(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
  const { state } = ctx;
  app.addContentTypeParser(VIDEO_TYPES, { parseAs: 'buffer', bodyLimit: 130 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.put('/upload/', async (request, reply) => {
    state.countCall(OPERATION);
    try {
      const q = request.query as Record<string, string | undefined>;
      const p = q.upload_id ? state.publishes.get(q.upload_id) : undefined;
      const up = p?.upload;
      if (!p || !up || up.token !== q.upload_token) throw new TikTokError(404, 'upload_not_found', 'The upload URL is invalid.');
      if (up.expiresAt < Date.now()) throw new TikTokError(404, 'upload_expired', 'The upload URL has expired.');
      const type = String(request.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim();
      if (!VIDEO_TYPES.includes(type)) throw errors.invalidParam('Content-Type must be video/mp4, video/quicktime or video/webm');
      const body = request.body as Buffer;
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'] ?? ''));
      if (!range) throw errors.invalidParam('Content-Range must read "bytes {first}-{last}/{total}"');
      const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (total !== up.videoSize) throw new TikTokError(416, 'invalid_range', `Content-Range total ${total} is not the video_size ${up.videoSize} of the init`);
      const index = Math.floor(first / up.chunkSize);
      const expectFirst = index * up.chunkSize;
      const expectLast = index === up.totalChunks - 1 ? up.videoSize - 1 : expectFirst + up.chunkSize - 1;
      if (index >= up.totalChunks || first !== expectFirst || last !== expectLast) {
        throw new TikTokError(
          416,
          'invalid_range',
          `Content-Range ${first}-${last} is not a chunk of this upload (chunk ${index} is ${expectFirst}-${expectLast})`,
        );
      }
      if (body.length !== last - first + 1)
        throw new TikTokError(400, 'invalid_param', `the body has ${body.length} bytes; Content-Range says ${last - first + 1}`);
      const fault = ctx.faults.decide(OPERATION, true);
      if (fault === 'error') throw errors.internal(ctx.faults.pickErrorStatus());
      if (fault === 'timeout') return hang(ctx, request, reply);
      if (index < up.received.length) {
        // A chunk sent again (its answer was lost): the same bytes are taken as a no-op.
        if (!ctx.options.acceptResentChunks || !up.received[index]!.equals(body))
          throw new TikTokError(416, 'invalid_range', `chunk ${index} was already received`);
      } else if (index > up.received.length) {
        throw new TikTokError(416, 'invalid_range', `chunks must be sent in order: expected chunk ${up.received.length}, got ${index}`);
      } else {
        up.received.push(body);
        up.receivedBytes += body.length;
        up.mime = type;
        if (up.received.length === up.totalChunks) bytesArrived(ctx, p, Buffer.concat(up.received));
      }
      if (fault === 'drop-after-commit') return drop(request, reply);
      return reply.code(up.received.length === up.totalChunks ? 201 : 206).send();
    } catch (error) {
      if (error instanceof TikTokError) return sendError(reply, error);
      throw error;
    }
  });
}
