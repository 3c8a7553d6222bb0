import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { defineOperation } from './operation.js';
import { checkAuthor } from './organizations.js';
import { randomToken, type SandboxImage, type SandboxVideo } from './state.js';

type Body = Record<string, unknown>;
const MAX_VIDEO_BYTES = 500 * 1024 * 1024;
/** Upload URLs stay valid this long (LinkedIn: `uploadUrlExpiresAt`, about a day). */
const UPLOAD_URL_TTL_MS = 24 * 3600_000;

const action = (request: FastifyRequest) => (request.query as { action?: string }).action ?? '';

export const imageView = (i: SandboxImage) => ({
  id: i.urn,
  owner: i.owner,
  status: i.status,
  ...(i.status === 'AVAILABLE' && { downloadUrl: `https://media.licdn.example/${encodeURIComponent(i.urn)}` }),
});
export const videoView = (v: SandboxVideo) => ({
  id: v.urn,
  owner: v.owner,
  status: v.status,
  ...(v.status === 'PROCESSING_FAILED' && { processingFailureReason: v.failureReason }),
});

export function registerMediaRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { state } = ctx;

  defineOperation(
    app,
    ctx,
    { method: 'POST', url: '/rest/images', name: (r) => `POST /rest/images?action=${action(r)}`, versioned: true },
    async ({ request, member, token }) => {
      if (action(request) !== 'initializeUpload') throw errors.illegalArgument('action must be initializeUpload');
      const req = ((request.body ?? {}) as Body).initializeUploadRequest as Body | undefined;
      const owner = checkAuthor(ctx, member!, token!, req?.owner, 'write', '/initializeUploadRequest/owner');
      const urn = `urn:li:image:${randomToken('D4', 9)}`;
      state.images.set(urn, { urn, owner, status: 'WAITING_UPLOAD' });
      const uploadUrl = `${ctx.baseUrl(request)}/upload/images/${encodeURIComponent(urn)}`;
      return { status: 200, body: { value: { uploadUrlExpiresAt: Date.now() + UPLOAD_URL_TTL_MS, uploadUrl, image: urn } } };
    },
  );

  defineOperation(app, ctx, { method: 'GET', url: '/rest/images/:urn', name: 'GET /rest/images/{urn}', versioned: true }, async ({ request }) => {
    state.settle();
    const image = state.images.get((request.params as { urn: string }).urn);
    if (!image) throw errors.notFound('Image');
    return { status: 200, body: imageView(image) };
  });

  // The pre-signed upload URL: the bytes, then LinkedIn processes the image for a moment.
  defineOperation(app, ctx, { method: 'PUT', url: '/upload/images/:urn', name: 'PUT image upload', auth: 'optional' }, async ({ request }) => {
    const image = state.images.get((request.params as { urn: string }).urn);
    if (!image) throw errors.notFound('Upload');
    const bytes = request.body;
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw errors.illegalArgument('The upload carries no bytes');
    image.bytes = bytes;
    image.status = 'PROCESSING';
    image.readyAt = Date.now() + ctx.options.imageProcessingMs;
    return { status: 201 };
  });

  defineOperation(
    app,
    ctx,
    { method: 'POST', url: '/rest/videos', name: (r) => `POST /rest/videos?action=${action(r)}`, versioned: true },
    async ({ request, member, token }) => {
      const body = (request.body ?? {}) as Body;
      if (action(request) === 'initializeUpload') {
        const req = (body.initializeUploadRequest ?? {}) as Body;
        const owner = checkAuthor(ctx, member!, token!, req.owner, 'write', '/initializeUploadRequest/owner');
        const size = req.fileSizeBytes;
        if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0)
          throw errors.validation([['/initializeUploadRequest/fileSizeBytes', 'field is required but not found and has no default value']]);
        if (size > MAX_VIDEO_BYTES) throw errors.illegalArgument(`fileSizeBytes ${size} exceeds the maximum of ${MAX_VIDEO_BYTES}`);
        const urn = `urn:li:video:${randomToken('D5', 9)}`;
        const partBytes = ctx.options.videoPartBytes;
        const parts = Array.from({ length: Math.ceil(size / partBytes) }, (_, i) => ({
          uploadUrl: `${ctx.baseUrl(request)}/upload/videos/${encodeURIComponent(urn)}/${i}`,
          firstByte: i * partBytes,
          lastByte: Math.min(size, (i + 1) * partBytes) - 1,
        }));
        const video: SandboxVideo = {
          urn,
          owner,
          fileSizeBytes: size,
          uploadToken: randomToken('', 12),
          status: 'WAITING_UPLOAD',
          parts,
          createdAt: Date.now(),
        };
        state.videos.set(urn, video);
        return {
          status: 200,
          body: {
            value: {
              uploadUrlsExpireAt: Date.now() + UPLOAD_URL_TTL_MS,
              video: urn,
              uploadInstructions: parts.map(({ uploadUrl, firstByte, lastByte }) => ({ uploadUrl, firstByte, lastByte })),
              uploadToken: video.uploadToken,
            },
          },
        };
      }
      if (action(request) === 'finalizeUpload') {
        const req = (body.finalizeUploadRequest ?? {}) as Body;
        const video = state.videos.get(String(req.video));
        if (!video) throw errors.notFound('Video');
        checkAuthor(ctx, member!, token!, video.owner, 'write');
        if (req.uploadToken !== video.uploadToken) throw errors.illegalArgument('uploadToken does not match the upload');
        if (video.status !== 'WAITING_UPLOAD') throw errors.illegalArgument(`Video ${video.urn} is ${video.status}; it was already finalized`);
        const ids = Array.isArray(req.uploadedPartIds) ? req.uploadedPartIds : [];
        const missing = video.parts.findIndex((p) => !p.etag);
        if (missing >= 0) throw errors.illegalArgument(`Part ${missing} of ${video.urn} was never uploaded`);
        if (ids.length !== video.parts.length || video.parts.some((p, i) => p.etag !== ids[i]))
          throw errors.illegalArgument('uploadedPartIds do not match the uploaded parts (all ETags, in order)');
        video.status = 'PROCESSING';
        video.readyAt = Date.now() + ctx.options.videoProcessingMs;
        const failure = state.videoFailures.shift();
        if (failure !== undefined) video.failureReason = failure;
        return { status: 200 };
      }
      throw errors.illegalArgument('action must be initializeUpload or finalizeUpload');
    },
  );

  defineOperation(app, ctx, { method: 'GET', url: '/rest/videos/:urn', name: 'GET /rest/videos/{urn}', versioned: true }, async ({ request }) => {
    state.settle();
    const video = state.videos.get((request.params as { urn: string }).urn);
    if (!video) throw errors.notFound('Video');
    return { status: 200, body: videoView(video) };
  });

  // A part's pre-signed URL: exactly the bytes of its range; the answer's ETag names the part for finalize.
  defineOperation(app, ctx, { method: 'PUT', url: '/upload/videos/:urn/:part', name: 'PUT video part upload', auth: 'optional' }, async ({ request }) => {
    const { urn, part } = request.params as { urn: string; part: string };
    const video = state.videos.get(urn);
    const slot = video?.parts[Number(part)];
    if (!video || !slot) throw errors.notFound('Upload');
    const bytes = request.body;
    const expected = slot.lastByte - slot.firstByte + 1;
    if (!Buffer.isBuffer(bytes) || bytes.length !== expected)
      throw errors.illegalArgument(`Part ${part} must be ${expected} bytes, got ${Buffer.isBuffer(bytes) ? bytes.length : 0}`);
    slot.bytes = bytes;
    slot.etag = `/ambry-video/signedId/${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}`;
    return { status: 200, headers: { etag: slot.etag } };
  });
}
