import { ConnectorError } from '../errors.js';

/**
 * A stored delivery payload is exactly what Pinterest will receive, except that media kept by
 * Pinion appear as `pinion-media:<id>` until publish time: image data is filled in as base64
 * (so Pinion's media folder never has to be public) and videos are uploaded through
 * Pinterest's media flow, their reference replaced by Pinterest's media id.
 */
import { MEDIA_REF, mediaRef, refId } from '../media-ref.js';
export { MEDIA_REF, mediaRef };

export interface MediaBytes {
  bytes: Buffer;
  mime: string;
}

export interface MediaResolvers {
  read(mediaId: string): Promise<MediaBytes>;
  uploadVideo(media: MediaBytes): Promise<string>;
}

/** The payload with every Pinion media reference replaced; the stored payload is left as it is. */
export async function resolveMediaRefs(payload: Record<string, unknown>, r: MediaResolvers): Promise<Record<string, unknown>> {
  const source = payload.media_source as Record<string, unknown> | undefined;
  if (!source) return payload;
  const data = async (v: unknown) => {
    const id = refId(v);
    return id ? (await read(r, id)).bytes.toString('base64') : v;
  };
  const resolved: Record<string, unknown> = { ...source };
  if (source.source_type === 'image_base64') resolved.data = await data(source.data);
  if (source.source_type === 'multiple_image_base64') {
    resolved.items = await Promise.all((source.items as Array<Record<string, unknown>>).map(async (item) => ({ ...item, data: await data(item.data) })));
  }
  if (source.source_type === 'video_id') {
    const videoId = refId(source.media_id);
    if (videoId) resolved.media_id = await r.uploadVideo(await read(r, videoId));
    if (refId(source.cover_image_data)) resolved.cover_image_data = await data(source.cover_image_data);
  }
  return { ...payload, media_source: resolved };
}

async function read(r: MediaResolvers, id: string): Promise<MediaBytes> {
  try {
    return await r.read(id);
  } catch (err) {
    // The media was deleted (or its store lost it) after the post was made: retrying will not bring it back.
    throw new ConnectorError('rejected', `Media ${id} of this post can no longer be read: ${(err as Error).message}`);
  }
}
