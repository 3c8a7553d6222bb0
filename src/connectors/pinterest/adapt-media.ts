import { isHttpUrl } from '../../shared/index.js';
import type { MediaInfo } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { pinterestMediaCheck } from './media-rules.js';
import { mediaRef } from './media-refs.js';
import type { PinterestOptions } from './options.js';
import { PINTEREST } from './platform.js';

export type { MediaInfo };

export type MediaSource =
  | { source_type: 'image_url'; url: string }
  | { source_type: 'image_base64'; content_type: string; data: string }
  | { source_type: 'multiple_image_urls'; items: Array<{ url: string; title?: string; description?: string; link?: string }> }
  | { source_type: 'multiple_image_base64'; items: Array<{ content_type: string; data: string; title?: string; description?: string; link?: string }> }
  | {
      source_type: 'video_id';
      media_id: string;
      cover_image_url?: string;
      cover_image_data?: string;
      cover_image_content_type?: string;
      cover_image_key_frame_time?: number;
    };

const OPT = 'platform_options.pinterest';
/** image_base64 takes only these (spec: content_type jpeg|png). */
const BASE64_TYPES = new Set(['image/jpeg', 'image/png']);

type Issues = { errors: FieldIssue[]; warnings: FieldIssue[] };

/** A stored image usable as image data: its checks, and a type Pinterest's base64 variant accepts. */
function storedImage(field: string, info: MediaInfo | undefined, id: string, out: Issues): info is MediaInfo {
  if (!info) {
    out.errors.push({ field, message: `no media ${id} in this workspace` });
    return false;
  }
  // Pinterest's verdict on these bytes (type, size, dimensions), from probing them at upload.
  const check = pinterestMediaCheck(info);
  out.errors.push(...check.errors.map((e) => ({ field, message: e.message })));
  out.warnings.push(...check.warnings.map((w) => ({ field, message: w.message })));
  if (info.kind === 'image' && !BASE64_TYPES.has(info.mime)) {
    out.errors.push({ field, message: `is ${info.mime}; Pinterest takes uploaded images as JPEG or PNG: convert it first (POST /api/v1/media/${id}/convert)` });
  }
  return true;
}

/** Chooses Pinterest's media_source variant for the post's media, checking what can be checked. */
export function pinMediaSource(
  input: { mediaUrl?: string; mediaId?: string; options: PinterestOptions; tag: (link: string) => string; media: (id: string) => MediaInfo | undefined },
  out: Issues,
): MediaSource {
  const { options: o } = input;
  const { limits } = PINTEREST;
  if (o.carousel) {
    if (input.mediaUrl || input.mediaId)
      out.errors.push({ field: input.mediaUrl ? 'media_url' : 'media_id', message: `give either one image or ${OPT}.carousel, not both` });
    if (o.carousel.length < limits.carouselMin || o.carousel.length > limits.carouselMax) {
      out.errors.push({ field: `${OPT}.carousel`, message: `must have ${limits.carouselMin} to ${limits.carouselMax} images (has ${o.carousel.length})` });
    }
    const stored = o.carousel.some((i) => i.media_id !== undefined);
    const items = o.carousel.map((item, i) => {
      const at = `${OPT}.carousel.${i}`;
      if ((item.media_url === undefined) === (item.media_id === undefined))
        out.errors.push({ field: at, message: 'needs exactly one of media_url or media_id' });
      else if (stored !== (item.media_id !== undefined)) out.errors.push({ field: at, message: 'all slides must be URLs or all uploaded media, not a mix' });
      if (item.media_url !== undefined && !isHttpUrl(item.media_url)) out.errors.push({ field: `${at}.media_url`, message: 'must be an http(s) URL' });
      if (item.media_id !== undefined) {
        const info = input.media(item.media_id);
        if (storedImage(`${at}.media_id`, info, item.media_id, out) && info.kind !== 'image')
          out.errors.push({ field: `${at}.media_id`, message: `is a ${info.kind}; carousel slides are images` });
      }
      let link = item.link;
      if (link !== undefined) {
        if (!isHttpUrl(link)) out.errors.push({ field: `${at}.link`, message: 'must be an http(s) URL' });
        else link = input.tag(link);
      }
      for (const [k, max] of [
        ['title', limits.title],
        ['description', limits.description],
      ] as const) {
        const v = item[k];
        if (v !== undefined && [...v].length > max)
          out.errors.push({ field: `${at}.${k}`, message: `must be at most ${max} characters for Pinterest (has ${[...v].length})` });
      }
      const text = {
        ...(item.title !== undefined && { title: item.title }),
        ...(item.description !== undefined && { description: item.description }),
        ...(link !== undefined && { link }),
      };
      const info = item.media_id ? input.media(item.media_id) : undefined;
      return { url: item.media_url ?? '', content_type: info?.mime ?? 'image/jpeg', data: item.media_id ? mediaRef(item.media_id) : '', ...text };
    });
    return stored
      ? { source_type: 'multiple_image_base64', items: items.map(({ url: _url, ...rest }) => rest) }
      : { source_type: 'multiple_image_urls', items: items.map(({ content_type: _c, data: _d, ...rest }) => rest) };
  }

  if (input.mediaUrl && input.mediaId) out.errors.push({ field: 'media_id', message: 'give either media_url or media_id, not both' });
  if (input.mediaId) {
    const info = input.media(input.mediaId);
    if (storedImage('media_id', info, input.mediaId, out)) {
      if (info.kind === 'video') return videoSource(input.mediaId, o, input.media, out);
      if (info.kind !== 'image') out.errors.push({ field: 'media_id', message: `is ${info.mime}, neither an image nor a video` });
      return { source_type: 'image_base64', content_type: info.mime, data: mediaRef(input.mediaId) };
    }
    return { source_type: 'image_url', url: '' };
  }
  if (!input.mediaUrl) out.errors.push({ field: 'media_url', message: `Pinterest needs an image or a video: give media_url, media_id or ${OPT}.carousel` });
  else if (!isHttpUrl(input.mediaUrl)) out.errors.push({ field: 'media_url', message: 'must be an http(s) URL' });
  return { source_type: 'image_url', url: input.mediaUrl ?? '' };
}

function videoSource(mediaId: string, o: PinterestOptions, media: (id: string) => MediaInfo | undefined, out: Issues): MediaSource {
  const covers = [o.cover_image_url, o.cover_media_id, o.cover_key_frame_time].filter((c) => c !== undefined).length;
  if (covers > 1) out.errors.push({ field: `${OPT}.cover_image_url`, message: 'give one cover: cover_image_url, cover_media_id or cover_key_frame_time' });
  // Pinterest refuses a video pin without a cover (400, "A valid image url must be provided"), so say so before it is due.
  if (covers === 0) {
    out.errors.push({
      field: `${OPT}.cover_image_url`,
      message: 'a video pin needs a cover: give cover_image_url, cover_media_id or cover_key_frame_time (seconds into the video)',
    });
  }
  const source: MediaSource = { source_type: 'video_id', media_id: mediaRef(mediaId) };
  if (o.cover_image_url !== undefined) {
    if (!isHttpUrl(o.cover_image_url)) out.errors.push({ field: `${OPT}.cover_image_url`, message: 'must be an http(s) URL' });
    source.cover_image_url = o.cover_image_url;
  }
  if (o.cover_media_id !== undefined) {
    const cover = media(o.cover_media_id);
    if (storedImage(`${OPT}.cover_media_id`, cover, o.cover_media_id, out)) {
      if (cover.kind !== 'image') out.errors.push({ field: `${OPT}.cover_media_id`, message: `is a ${cover.kind}; a cover is an image` });
      source.cover_image_data = mediaRef(o.cover_media_id);
      source.cover_image_content_type = cover.mime;
    }
  }
  if (o.cover_key_frame_time !== undefined) source.cover_image_key_frame_time = o.cover_key_frame_time;
  return source;
}
