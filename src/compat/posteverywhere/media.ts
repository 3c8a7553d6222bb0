import type { FastifyInstance } from 'fastify';
import { bodyOf, peCall, type PeCall, type PeDeps } from './context.js';
import { PeError, peValidation } from './errors.js';
import { ok } from './reply.js';
import { mediaIdOf } from './post-shape.js';
import type { NativeList, NativeMedia, NativeUpload } from './native-types.js';

type UploadNote = { filename: string; content_type: string; file_size: number };

const TYPES: Record<string, string> = { image: 'image', video: 'video' };

async function itemView(call: PeCall, m: NativeMedia) {
  const note = await call.ids.dataOf<{ filename?: string }>('media', m.id);
  return {
    id: m.id,
    filename: m.filename ?? note?.filename ?? m.id,
    media_type: m.kind === 'other' ? 'document' : m.kind,
    mime_type: m.mime,
    file_size: m.size,
    upload_status: 'ready' as const,
    thumbnail_url: null,
    url: m.content_url,
    created_at: m.created_at,
  };
}

/** An upload not complete yet, as PostEverywhere shows one: uploading, or failed once its URL expired. */
async function pendingView(call: PeCall, u: NativeUpload) {
  const note = await call.ids.dataOf<UploadNote>('upload', u.upload_id);
  const type = note?.content_type.split('/')[0] ?? 'image';
  return {
    id: u.upload_id,
    filename: note?.filename ?? u.upload_id,
    media_type: TYPES[type] ?? 'document',
    mime_type: note?.content_type ?? 'application/octet-stream',
    file_size: note?.file_size ?? 0,
    upload_status: u.status === 'expired' ? ('failed' as const) : ('uploading' as const),
    thumbnail_url: null,
    created_at: null,
  };
}

async function mediaOf(call: PeCall, id: string): Promise<NativeMedia> {
  return call.native.get<NativeMedia>(`/media/${encodeURIComponent(await mediaIdOf(call, id))}`);
}

export async function mediaRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  app.get<{ Querystring: Record<string, string> }>('/media', async (request, reply) => {
    const call = peCall(deps, request);
    const { type, limit: rawLimit, offset: rawOffset } = request.query;
    if (type !== undefined && !['image', 'video', 'document'].includes(type)) throw peValidation('type', 'must be image, video or document');
    const limit = rawLimit === undefined ? 50 : Number(rawLimit);
    const offset = rawOffset === undefined ? 0 : Number(rawOffset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw peValidation('limit', 'must be a whole number from 1 to 200');
    if (!Number.isInteger(offset) || offset < 0) throw peValidation('offset', 'must be a whole number from 0');
    const all = await call.native.all<NativeMedia>(`/media${type ? `?kind=${type === 'document' ? 'other' : type}` : ''}`);
    const media = [];
    for (const m of all.slice(offset, offset + limit)) media.push(await itemView(call, m));
    return ok(reply, { media, total: all.length });
  });

  app.get<{ Params: { id: string } }>('/media/:id', async (request, reply) => {
    const call = peCall(deps, request);
    const id = request.params.id;
    if (id.startsWith('upl_')) {
      const upload = await call.native.get<NativeUpload>(`/media/uploads/${encodeURIComponent(id)}`);
      return ok(reply, upload.media ? await itemView(call, upload.media) : await pendingView(call, upload));
    }
    return ok(reply, await itemView(call, await mediaOf(call, id)));
  });

  app.delete<{ Params: { id: string } }>('/media/:id', async (request, reply) => {
    const call = peCall(deps, request);
    const m = await mediaOf(call, request.params.id);
    await call.native.delete(`/media/${encodeURIComponent(m.id)}`);
    return ok(reply, { message: `Media ${m.id} deleted` });
  });

  // Presign: Pinion's presigned upload URL; the upload id stands for the media until it is complete.
  app.post('/media/upload', async (request, reply) => {
    const call = peCall(deps, request);
    const body = bodyOf(request);
    const { filename, content_type, file_size } = body;
    if (typeof filename !== 'string' || !filename) throw peValidation('filename', 'is required');
    if (typeof content_type !== 'string' || !content_type) throw peValidation('content_type', 'is required (image/jpeg, video/mp4, …)');
    if (!Number.isSafeInteger(file_size) || (file_size as number) < 1) throw peValidation('file_size', 'must be the file’s size in bytes');
    const grant = await call.native.post<{ upload_id: string; upload_url: string; expires_at: string }>('/media/uploads', {
      max_bytes: file_size,
      content_type,
    });
    await call.ids.setData('upload', grant.upload_id, { filename, content_type, file_size: file_size as number } satisfies UploadNote);
    return ok(
      reply,
      {
        media_id: grant.upload_id,
        upload_url: grant.upload_url,
        provider: 'pinion',
        expires_in: Math.max(0, Math.round((Date.parse(grant.expires_at) - Date.now()) / 1000)),
      },
      201,
    );
  });

  app.post<{ Params: { id: string } }>('/media/:id/complete', async (request, reply) => {
    const call = peCall(deps, request);
    const id = request.params.id;
    let media: NativeMedia;
    if (id.startsWith('upl_')) {
      const upload = await call.native.get<NativeUpload>(`/media/uploads/${encodeURIComponent(id)}`);
      if (upload.status === 'expired')
        throw new PeError(410, 'upload_expired', 'The upload URL expired before a file was uploaded; ask for a new one (POST /api/v1/media/upload)');
      if (!upload.media)
        throw new PeError(409, 'upload_incomplete', `File not found: make sure you uploaded the file to the upload_url first (the upload is ${upload.status})`);
      media = upload.media;
      const note = await call.ids.dataOf<UploadNote>('upload', id);
      if (note && !media.filename) await call.ids.setData('media', media.id, { filename: note.filename });
    } else {
      media = await mediaOf(call, id);
    }
    return ok(reply, { id: media.id, status: 'ready', type: media.kind, message: `Media ${media.id} is ready: attach it with media_ids: ["${media.id}"]` });
  });

  app.post('/media/upload-from-url', async (request, reply) => {
    const call = peCall(deps, request);
    const { url, filename, ...rest } = bodyOf(request);
    const unknown = Object.keys(rest);
    if (unknown.length) throw peValidation(unknown[0]!, 'is not a known field');
    if (typeof url !== 'string' || !url) throw peValidation('url', 'is required');
    if (filename !== undefined && (typeof filename !== 'string' || !filename)) throw peValidation('filename', 'must be a file name');
    const m = await call.native.post<NativeMedia>('/media:fetch', { url, ...(filename ? { filename } : {}) });
    return ok(
      reply,
      {
        media_id: m.id,
        media_ids: [m.id],
        media_status: 'ready',
        type: m.kind,
        url: m.content_url,
        filename: m.filename ?? m.id,
        size: m.size,
        content_type: m.mime,
        source_url: m.source_url ?? url,
        next_step: `Attach it to a post: POST /api/v1/posts with media_ids: ["${m.id}"]`,
      },
      201,
    );
  });
}
