import { isHttpUrl } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { MediaInfo, Draft } from '../contract.js';
import type { FieldIssue, PublishInput } from '../types.js';

/**
 * A media item in a Meta payload: an http(s) URL the post named (handed to Meta as it is), or
 * `pinion-media:<id>`, a media Pinion stores, turned at publish time into a signed public link
 * (for Meta to fetch) or into bytes (for uploads).
 */
export interface GraphMedia {
  kind: 'image' | 'video';
  source: string;
  alt_text?: string;
}

import { MEDIA_REF, mediaRef, refId } from '../media-ref.js';
export { MEDIA_REF, mediaRef, refId };

/** The URL Meta fetches the item from. */
export async function urlOf(item: GraphMedia, input: PublishInput): Promise<string> {
  const id = refId(item.source);
  if (id === undefined) return item.source;
  if (!input.publicMediaUrl) throw new ConnectorError('rejected', `Media ${id} is stored by Pinion, and this Pinion cannot hand out public links to it`);
  return input.publicMediaUrl(id);
}

/** The item's bytes, for platforms that take an upload instead of a URL. */
export async function bytesOf(item: GraphMedia, input: PublishInput): Promise<{ bytes: Buffer; mime: string }> {
  const id = refId(item.source);
  try {
    return id !== undefined ? await input.readMedia(id) : await input.readUrl(item.source);
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    // The media was deleted, or the URL no longer serves it: retrying will not bring it back.
    throw new ConnectorError('rejected', `Media ${id ?? item.source} of this post can no longer be read: ${(err as Error).message}`);
  }
}

/** One media entry a post names (`media_url` or `media_id`, with its field for messages), as a payload item. */
export interface NamedMedia {
  field: string;
  url?: string;
  id?: string;
  alt_text?: string;
}

/**
 * The payload item of a named media, its kind read from what Pinion knows (stored media) or the
 * URL's extension (a video ends .mp4/.mov; anything else is taken for an image).
 */
export function toGraphMedia(m: NamedMedia, draft: Draft, errors: FieldIssue[]): (GraphMedia & { info?: MediaInfo }) | undefined {
  if (m.id !== undefined) {
    const info = draft.media(m.id);
    if (!info) {
      errors.push({ field: m.field, message: `no media "${m.id}" in this workspace; upload it first (POST /api/v1/media)` });
      return undefined;
    }
    if (info.kind === 'other') {
      errors.push({ field: m.field, message: `media ${m.id} is neither an image nor a video (${info.mime})` });
      return undefined;
    }
    return { kind: info.kind, source: mediaRef(m.id), ...(m.alt_text !== undefined && { alt_text: m.alt_text }), info };
  }
  if (m.url === undefined) return undefined;
  if (!isHttpUrl(m.url)) {
    errors.push({ field: m.field, message: 'must be an http(s) URL' });
    return undefined;
  }
  const kind = /\.(mp4|mov)(\?|#|$)/i.test(new URL(m.url).pathname) ? 'video' : 'image';
  return { kind, source: m.url, ...(m.alt_text !== undefined && { alt_text: m.alt_text }) };
}
