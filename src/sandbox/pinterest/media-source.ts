import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { checkImage, decodeBase64Image, fetchImage, type CheckedImage } from './images.js';
import type { Body } from './input.js';
import type { CarouselItem, CreativeType, SandboxUser } from './state.js';
import { mediaStatus } from './views.js';

export interface ResolvedMedia {
  creativeType: CreativeType;
  items: CarouselItem[];
  videoMediaId: string | null;
  isStandard: boolean;
  dominantColor: string | null;
}

const asObject = (value: unknown, what: string): Body => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.invalidParameters(`${what} must be an object`);
  return value as Body;
};

const optionalString = (item: Body, field: string): string | null => {
  const value = item[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw errors.invalidParameters(`${field} must be a string`);
  return value;
};

function isStandard(source: Body): boolean {
  const value = source['is_standard'];
  if (value !== undefined && typeof value !== 'boolean') throw errors.invalidParameters('is_standard must be a boolean');
  return value !== false;
}

function single(image: CheckedImage, standard: boolean, creativeType: CreativeType = 'REGULAR', videoMediaId: string | null = null): ResolvedMedia {
  return {
    creativeType,
    items: [{ image, title: null, description: null, link: null }],
    videoMediaId,
    isStandard: standard,
    dominantColor: image.dominantColor,
  };
}

function carouselItems(source: Body): Body[] {
  const items = source['items'];
  if (!Array.isArray(items) || items.length < 2 || items.length > 5) {
    throw errors.invalidParameters('media_source.items must hold 2 to 5 images');
  }
  return items.map((item, i) => asObject(item, `media_source.items[${i}]`));
}

/** `cover_image_key_frame_time`: whole seconds into the video (spec: integer ≥ 0). */
function keyFrameTime(source: Body): boolean {
  const value = source['cover_image_key_frame_time'];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw errors.invalidParameters('cover_image_key_frame_time must be a whole number of seconds, at least 0');
  return true;
}

/** Turns a PinCreate media_source into stored images, fetching and decoding them as Pinterest would. */
export async function resolveMediaSource(ctx: SandboxContext, user: SandboxUser, raw: unknown): Promise<ResolvedMedia> {
  if (raw === undefined) throw errors.invalidParameters('media_source is required');
  const source = asObject(raw, 'media_source');
  const fetchUrl = (url: unknown) => {
    if (typeof url !== 'string') throw errors.invalidParameters('url must be a string');
    return fetchImage(url, {
      timeoutMs: ctx.options.imageFetchTimeoutMs,
      maxBytes: ctx.options.imageFetchMaxBytes,
      allowHosts: ctx.options.fetchAllowHosts(),
      onUnreachable: ctx.options.imageFetchFailure,
    });
  };
  const fromBase64 = (data: unknown, contentType: unknown) => {
    if (typeof data !== 'string') throw errors.invalidParameters('data must be a base64 string');
    return checkImage(decodeBase64Image(data, contentType));
  };

  switch (source['source_type']) {
    case 'image_url':
      return single(await fetchUrl(source['url']), isStandard(source));
    case 'image_base64':
      return single(await fromBase64(source['data'], source['content_type']), isStandard(source));
    case 'multiple_image_urls':
    case 'multiple_image_base64': {
      const byUrl = source['source_type'] === 'multiple_image_urls';
      const items: CarouselItem[] = [];
      let dominantColor: string | null = null;
      for (const item of carouselItems(source)) {
        const image = byUrl ? await fetchUrl(item['url']) : await fromBase64(item['data'], item['content_type']);
        dominantColor ??= image.dominantColor;
        items.push({ image, title: optionalString(item, 'title'), description: optionalString(item, 'description'), link: optionalString(item, 'link') });
      }
      return { creativeType: 'CAROUSEL', items, videoMediaId: null, isStandard: true, dominantColor };
    }
    case 'video_id': {
      const mediaId = source['media_id'];
      if (typeof mediaId !== 'string' || !/^\d+$/.test(mediaId)) throw errors.invalidParameters('media_id must be a numeric string');
      const media = ctx.state.media.get(mediaId);
      if (!media || media.ownerId !== user.id) throw errors.mediaNotFound();
      const status = mediaStatus(media, ctx.options.mediaProcessingMs);
      if (status !== 'succeeded') throw errors.mediaNotReady(status);
      // Pinterest's docs: a video Pin needs a cover, an image or a key frame ("A valid image url must be provided").
      let cover: CheckedImage | undefined;
      if (source['cover_image_url'] !== undefined) cover = await fetchUrl(source['cover_image_url']);
      else if (source['cover_image_data'] !== undefined) cover = await fromBase64(source['cover_image_data'], source['cover_image_content_type']);
      else if (!keyFrameTime(source)) throw errors.videoCoverRequired();
      if (cover) return single(cover, isStandard(source), 'VIDEO', mediaId);
      // A key-frame cover: the sandbox does not decode video, so the pin has no images.
      return { creativeType: 'VIDEO', items: [], videoMediaId: mediaId, isStandard: isStandard(source), dominantColor: null };
    }
    case 'pin_url':
      throw errors.invalidParameters('source_type pin_url (product pins, beta) is not emulated by the sandbox');
    default:
      throw errors.invalidParameters('media_source.source_type is not valid');
  }
}
