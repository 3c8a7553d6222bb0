import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { Type, type Static } from '@sinclair/typebox';
import { connectorFor } from '../../connectors/index.js';
import { MediaFetchError, MediaRejected, UploadRefused } from '../../media/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, notFound } from '../problem.js';
import { MediaView, FetchBody, UploadBody, UploadAnswer, UploadState, ConvertBody, ListQuery, UploadParams, mediaView } from './media-views.js';
import { IdParams, ListOf, isoTime } from '../schemas.js';

/** Library and fetch failures as the problems a caller can act on. */
function mediaProblem(err: unknown, field = 'file'): unknown {
  if (err instanceof MediaRejected)
    return new HttpProblem(err.status, err.slug, `The ${err.field === 'file' ? field : err.field} ${err.message}`, [
      { field: err.field === 'file' ? field : err.field, message: err.message },
    ]);
  if (err instanceof MediaFetchError) {
    return new HttpProblem(422, 'media-fetch-failed', `Could not fetch the URL: ${err.message}`, [{ field: 'url', message: err.message }], {
      reason: err.reason,
    });
  }
  if (err instanceof UploadRefused) return new HttpProblem(err.status, err.slug, err.message);
  if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
    return new HttpProblem(413, 'file-too-large', 'The file is larger than allowed', [{ field, message: 'is too large' }]);
  return err;
}

/** A multipart body the parser could not read: no boundary, a part cut short, a broken header. */
const malformed = (err: unknown) =>
  new HttpProblem(
    400,
    'malformed-multipart',
    `The multipart body cannot be read (${(err as Error).message}); send the file as multipart/form-data in the field "file"`,
    [{ field: 'file', message: 'could not be read from the multipart body' }],
  );

export async function mediaRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['media'];
  const mediaOf = async (workspaceId: string, id: string) => {
    const m = await ctx.media.get(workspaceId, id);
    if (!m) throw notFound('Media');
    return m;
  };

  // Multipart is parsed only here; the rest of the API stays JSON.
  await app.register(async (scope) => {
    // One byte over the cap: busboy silently truncates at its limit, the spool refuses past it (413).
    await scope.register(multipart, { limits: { fileSize: ctx.config.media.maxVideoBytes + 1, files: 1, fields: 10 } });
    scope.post(
      '/media',
      {
        config: { scope: 'media:write' },
        schema: {
          tags,
          summary: 'Upload an image or video as multipart/form-data (field "file"); it is probed, checked for every platform and stored',
          consumes: ['multipart/form-data'],
          // For the OpenAPI document only: the multipart parser, not the JSON validator, reads this body.
          body: Type.Object(
            { file: Type.String({ contentMediaType: 'application/octet-stream', description: 'The image (JPEG, PNG, WEBP, GIF) or video (MP4, MOV) file' }) },
            { required: ['file'] },
          ),
          response: { 201: MediaView },
        },
        validatorCompiler: () => () => true,
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new HttpProblem(415, 'unsupported-media-type', 'Send the file as multipart/form-data in the field "file"');
        let part;
        try {
          part = await request.file();
        } catch (err) {
          // The parser's own refusals (limits, not multipart) carry a status; the rest is a body it could not read.
          throw (err as { statusCode?: number }).statusCode ? err : malformed(err);
        }
        if (!part || part.fieldname !== 'file') {
          part?.file.resume();
          throw new HttpProblem(422, 'validation', 'The request has invalid fields', [
            { field: 'file', message: 'is required: send the file in the multipart field "file"' },
          ]);
        }
        let broken: unknown;
        part.file.once('error', (err) => (broken = err));
        try {
          const media = await ctx.media.ingestStream(request.caller.workspaceId, part.file, {
            source: 'upload',
            filename: part.filename || undefined,
            maxBytes: ctx.config.media.maxVideoBytes,
          });
          return reply.code(201).send(mediaView(ctx, media));
        } catch (err) {
          // The part stopped before its end (a truncated body): the client's request, not our failure.
          // (It may have failed before this handler listened: the stream then keeps the error.)
          broken ??= part.file.errored ?? undefined;
          if (broken !== undefined && !(err instanceof MediaRejected)) throw malformed(broken);
          throw mediaProblem(err);
        }
      },
    );
  });

  app.post<{ Body: Static<typeof FetchBody> }>(
    '/media::fetch',
    {
      config: { scope: 'media:write' },
      schema: {
        tags,
        summary: 'Download an image or video from a URL and store it (private and loopback addresses are refused)',
        body: FetchBody,
        response: { 201: MediaView },
      },
    },
    async (request, reply) => {
      try {
        return reply
          .code(201)
          .send(mediaView(ctx, await ctx.media.fetchUrl(request.caller.workspaceId, request.body.url, { filename: request.body.filename })));
      } catch (err) {
        throw mediaProblem(err, 'url');
      }
    },
  );

  app.post<{ Body: Static<typeof UploadBody> }>(
    '/media/uploads',
    {
      config: { scope: 'media:write' },
      schema: { tags, summary: 'Get a presigned URL to PUT one file to, without an API key', body: UploadBody, response: { 201: UploadAnswer } },
    },
    async (request, reply) => {
      const max = request.body.max_bytes;
      const limit = ctx.config.media.maxVideoBytes;
      if (max !== undefined && max > limit)
        throw new HttpProblem(422, 'validation', 'The request has invalid fields', [{ field: 'max_bytes', message: `must be at most ${limit}` }]);
      const grant = await ctx.media.presign(request.caller.workspaceId, { maxBytes: max, contentType: request.body.content_type });
      return reply.code(201).send({
        upload_id: grant.uploadId,
        upload_url: grant.uploadUrl,
        method: 'PUT' as const,
        max_bytes: grant.maxBytes,
        expires_at: isoTime(grant.expiresAt),
      });
    },
  );

  app.get<{ Params: Static<typeof UploadParams> }>(
    '/media/uploads/:uploadId',
    {
      config: { scope: 'media:read' },
      schema: {
        tags,
        summary: 'Where a presigned upload is, and the media it became once the file was PUT',
        params: UploadParams,
        response: { 200: UploadState },
      },
    },
    async (request) => {
      const state = await ctx.media.uploads.state(request.caller.workspaceId, request.params.uploadId);
      if (!state) throw notFound('Upload');
      const media = state.mediaId ? await ctx.media.get(request.caller.workspaceId, state.mediaId) : undefined;
      return { upload_id: state.uploadId, status: state.status, expires_at: isoTime(state.expiresAt), media: media ? mediaView(ctx, media) : null };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/media',
    { config: { scope: 'media:read' }, schema: { tags, summary: 'List media, newest first', querystring: ListQuery, response: { 200: ListOf(MediaView) } } },
    async (request) => {
      const { media, next } = await ctx.media.list(request.caller.workspaceId, {
        limit: request.query.limit ?? 50,
        before: request.query.cursor,
        kind: request.query.kind,
      });
      return { data: media.map((m) => mediaView(ctx, m)), next_cursor: next ?? null };
    },
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/media/:id',
    {
      config: { scope: 'media:read' },
      schema: { tags, summary: 'Get a media item with its probe results and every platform’s checks', params: IdParams, response: { 200: MediaView } },
    },
    async (request) => mediaView(ctx, await mediaOf(request.caller.workspaceId, request.params.id)),
  );

  app.get<{ Params: Static<typeof IdParams> }>(
    '/media/:id/content',
    { config: { scope: 'media:read' }, schema: { tags, summary: 'Download the stored bytes', params: IdParams } },
    async (request, reply) => {
      const m = await mediaOf(request.caller.workspaceId, request.params.id);
      return (
        reply
          .type(m.mime)
          .header('content-length', m.size)
          // The bytes behind an id never change; nosniff keeps browsers from reinterpreting them.
          .header('cache-control', 'private, max-age=31536000, immutable')
          .header('x-content-type-options', 'nosniff')
          .send(await ctx.media.stream(m))
      );
    },
  );

  app.delete<{ Params: Static<typeof IdParams> }>(
    '/media/:id',
    {
      config: { scope: 'media:write' },
      schema: {
        tags,
        summary: 'Delete a media item (and its bytes, once nothing else holds them); refused while a post waiting to publish uses it',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const m = await mediaOf(request.caller.workspaceId, request.params.id);
      try {
        await ctx.media.remove(m);
      } catch (err) {
        throw mediaProblem(err, 'id');
      }
      return reply.code(204).send();
    },
  );

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ConvertBody> }>(
    '/media/:id/convert',
    {
      config: { scope: 'media:write' },
      schema: {
        tags,
        summary: 'Make a copy a platform takes as it is: its image format (PNG only if transparent), optionally cropped to its advised size',
        params: IdParams,
        body: ConvertBody,
        response: { 201: MediaView },
      },
    },
    async (request, reply) => {
      const m = await mediaOf(request.caller.workspaceId, request.params.id);
      const target = connectorFor(request.body.target).media.convert!;
      try {
        const crop = request.body.crop ? { crop: { width: target.width, height: target.height } } : {};
        return reply.code(201).send(mediaView(ctx, await ctx.media.convert(m, { formats: target.formats, ...crop })));
      } catch (err) {
        throw mediaProblem(err, 'id');
      }
    },
  );
}

// A wildcard, not a :param: the sealed token is longer than Fastify's 100-character limit on params.
const PublicParams = Type.Object({ '*': Type.String({ minLength: 20, maxLength: 2000 }) });

/** The presigned PUT target, outside /api/v1: the signed URL, not an API key, authorises it. */
export async function mediaUploadRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  // Platforms that fetch media by URL read stored media here: the sealed token is the permission.
  app.get<{ Params: Static<typeof PublicParams> }>(
    '/media/public/*',
    // Not part of the API developers call (only platforms follow these links): kept out of the OpenAPI document.
    {
      schema: {
        hide: true,
        tags: ['media'],
        summary: 'Download a stored media through a signed, expiring link (handed to platforms that fetch media by URL)',
        params: PublicParams,
      },
    },
    async (request, reply) => {
      const media = await ctx.media.openPublicLink(request.params['*']);
      if (!media) throw new HttpProblem(404, 'not-found', 'This media link is not valid or has expired');
      return reply
        .type(media.mime)
        .header('content-length', media.size)
        .header('cache-control', 'private, no-store')
        .send(await ctx.media.stream(media));
    },
  );

  await app.register(async (scope) => {
    // Raw bytes of any type, streamed to disk by the library rather than parsed here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.put<{ Params: Static<typeof UploadParams>; Querystring: Record<string, string> }>(
      '/media/uploads/:uploadId',
      {
        schema: {
          tags: ['media'],
          summary: 'PUT the file to a presigned upload URL (from POST /api/v1/media/uploads)',
          params: UploadParams,
          response: { 201: MediaView },
        },
      },
      async (request, reply) => {
        const length = request.headers['content-length'] === undefined ? undefined : Number(request.headers['content-length']);
        try {
          const media = await ctx.media.acceptUpload(request.params.uploadId, request.query, request.raw, length);
          return reply.code(201).send(mediaView(ctx, media));
        } catch (err) {
          throw mediaProblem(err);
        }
      },
    );
  });
}
