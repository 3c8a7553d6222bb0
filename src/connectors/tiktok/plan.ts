import { isHttpUrl } from '../../shared/index.js';
import type { AccountContext, Adaptation, Draft, Plan } from '../contract.js';
import { ConnectorError } from '../errors.js';
import { fitText } from '../fit-text.js';
import type { FieldIssue } from '../types.js';
import type { CreatorInfo, TikTokClient } from './client.js';
import { creatorProblems, type CreatorInfoCache } from './creator-info.js';
import { MEDIA_REF, mediaRef } from './media-rules.js';
import type { TikTokOptions } from './options.js';
import { TIKTOK, utf16Length } from './platform.js';

/**
 * What a delivery to TikTok stores: exactly the post_info TikTok will receive, and where the media
 * come from. A video is sent by FILE_UPLOAD from Pinion's own bytes (`pinion-media:<id>`) or from a
 * URL Pinion downloads, unless the post asks TikTok to pull the URL itself (PULL_FROM_URL, for
 * domains verified with TikTok). Photos are only ever pulled by TikTok.
 */
export interface TikTokPayload {
  kind: 'video' | 'photo';
  mode: 'direct' | 'inbox';
  /** The creator's handle, for the post's URL. */
  username: string;
  /** Omitted for a video sent to the inbox (TikTok takes source_info only there). */
  post_info?: Record<string, unknown>;
  video?: { source: 'FILE_UPLOAD'; media: string } | { source: 'PULL_FROM_URL'; video_url: string };
  photo?: { photo_images: string[]; photo_cover_index: number };
}

const AT = 'platform_options.tiktok';
const IMAGE_PATH = /\.(jpe?g|png|webp|gif|heic|avif|bmp)$/i;

/** Turns a draft into the TikTokPayload, checked against what creator_info says the creator may post. */
export async function planTikTok(client: () => TikTokClient, creators: CreatorInfoCache, draft: Draft, ctx: AccountContext): Promise<Plan> {
  const o = draft.options as TikTokOptions;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const adaptations: Adaptation[] = [];
  const mode = o.post_mode ?? 'direct';
  const photo = o.photo_mode === true;
  const mediaField = draft.mediaId !== undefined ? 'media_id' : 'media_url';

  let durationMs: number | null | undefined;
  let video: TikTokPayload['video'];
  let photos: TikTokPayload['photo'];
  if (photo) {
    photos = planPhotos(draft, o, errors);
  } else {
    for (const field of ['photo_images', 'photo_cover_index', 'title', 'auto_add_music'] as const) {
      if (o[field] !== undefined) errors.push({ field: `${AT}.${field}`, message: 'applies to photo posts only; set photo_mode: true or leave it out' });
    }
    ({ video, durationMs } = planVideo(draft, o, errors));
  }

  const link = draft.link !== undefined && draft.link !== '' ? draft.link : undefined;
  if (link !== undefined && !isHttpUrl(link)) errors.push({ field: draft.linkField, message: 'must be an http(s) URL' });
  const max = photo ? TIKTOK.limits.photoDescription : TIKTOK.limits.videoCaption;
  const text = planText(draft, link && isHttpUrl(link) ? draft.tag(link) : undefined, max, errors, adaptations);
  if (o.title !== undefined && utf16Length(o.title) > TIKTOK.limits.photoTitle) {
    errors.push({ field: `${AT}.title`, message: `is ${utf16Length(o.title)} characters; TikTok takes photo titles of up to ${TIKTOK.limits.photoTitle}` });
  }
  if (photo && (o.allow_duet !== undefined || o.allow_stitch !== undefined)) {
    errors.push({
      field: `${AT}.${o.allow_duet !== undefined ? 'allow_duet' : 'allow_stitch'}`,
      message: 'applies to videos only; photo posts have no duets or stitches',
    });
  }
  if (o.brand_content_toggle && o.privacy_level === 'SELF_ONLY') {
    errors.push({
      field: `${AT}.privacy_level`,
      message: 'branded content cannot be private on TikTok (SELF_ONLY); choose a wider audience or drop brand_content_toggle',
    });
  }
  if (!photo && mode === 'inbox' && text)
    warnings.push({ field: draft.contentField, message: 'a video sent to the TikTok inbox carries no caption: the creator writes it in the app' });

  let info: CreatorInfo | undefined;
  try {
    info = await creators.get(client(), ctx);
  } catch (err) {
    const why = err instanceof ConnectorError ? err.message : String(err);
    errors.push({ field: 'accounts', message: `could not read what this TikTok account may post (creator_info): ${why}; try again shortly` });
  }
  if (info) {
    // The creator's settings decide now, at validation, not at publish time.
    const allow = { allowComment: o.allow_comment === true, allowDuet: o.allow_duet === true, allowStitch: o.allow_stitch === true };
    // A draft sent to the inbox gets its audience in the app; a direct post must name it.
    const privacy = mode === 'direct' ? o.privacy_level : (o.privacy_level ?? info.privacy_level_options[0]);
    const issues = creatorProblems(info, { ...allow, privacy_level: privacy, durationMs, mediaField }, AT);
    errors.push(...issues);
  }
  if (errors.length) return { payload: null, errors, warnings, adaptations };

  const username = info?.creator_username ?? ctx.account.username;
  const common = {
    ...(o.privacy_level !== undefined && { privacy_level: o.privacy_level }),
    disable_comment: o.allow_comment !== true,
    ...(o.brand_content_toggle !== undefined && { brand_content_toggle: o.brand_content_toggle }),
    ...(o.brand_organic_toggle !== undefined && { brand_organic_toggle: o.brand_organic_toggle }),
  };
  let post_info: Record<string, unknown> | undefined;
  if (photo) {
    const music = o.auto_add_music !== undefined ? { auto_add_music: o.auto_add_music } : {};
    post_info = { ...(o.title !== undefined && { title: o.title }), ...(text && { description: text }), ...common, ...music };
  } else if (mode === 'direct') {
    post_info = {
      ...(text && { title: text }),
      ...common,
      disable_duet: o.allow_duet !== true,
      disable_stitch: o.allow_stitch !== true,
      ...(o.video_cover_timestamp_ms !== undefined && { video_cover_timestamp_ms: o.video_cover_timestamp_ms }),
      ...(o.is_aigc !== undefined && { is_aigc: o.is_aigc }),
    };
  }
  const payload: TikTokPayload = {
    kind: photo ? 'photo' : 'video',
    mode,
    username,
    ...(post_info && { post_info }),
    ...(video && { video }),
    ...(photos && { photo: photos }),
  };
  return { payload, errors, warnings, adaptations };
}

function planVideo(draft: Draft, o: TikTokOptions, errors: FieldIssue[]): { video?: TikTokPayload['video']; durationMs?: number | null } {
  const needVideo = 'TikTok posts need a video (or set platform_options.tiktok.photo_mode: true with image URLs for a photo post)';
  if (draft.mediaId !== undefined) {
    const info = draft.media(draft.mediaId);
    if (!info) return {}; // posts/ reports an unknown media id
    if (info.kind !== 'video') {
      errors.push({ field: 'media_id', message: `is ${info.kind === 'image' ? 'an image' : info.mime}; ${needVideo}` });
      return {};
    }
    if (o.pull_from_url) errors.push({ field: `${AT}.pull_from_url`, message: 'applies to media_url only: Pinion uploads its stored media itself' });
    return { video: { source: 'FILE_UPLOAD', media: mediaRef(draft.mediaId) }, durationMs: info.durationMs };
  }
  if (draft.mediaUrl !== undefined) {
    if (!isHttpUrl(draft.mediaUrl)) {
      errors.push({ field: 'media_url', message: 'must be an http(s) URL' });
      return {};
    }
    if (IMAGE_PATH.test(new URL(draft.mediaUrl).pathname)) {
      errors.push({ field: 'media_url', message: `looks like an image; ${needVideo}` });
      return {};
    }
    return { video: o.pull_from_url ? { source: 'PULL_FROM_URL', video_url: draft.mediaUrl } : { source: 'FILE_UPLOAD', media: draft.mediaUrl } };
  }
  errors.push({ field: 'media_id', message: `is missing: ${needVideo}` });
  return {};
}

function planPhotos(draft: Draft, o: TikTokOptions, errors: FieldIssue[]): TikTokPayload['photo'] {
  const pulled =
    'TikTok downloads photos itself, from a URL whose domain is verified for the app: give image URLs in media_url or platform_options.tiktok.photo_images';
  if (draft.mediaId !== undefined && o.photo_images === undefined) {
    errors.push({ field: 'media_id', message: `cannot be used for a photo post: ${pulled}` });
    return undefined;
  }
  const images = o.photo_images ?? (draft.mediaUrl !== undefined ? [draft.mediaUrl] : []);
  if (images.length === 0) errors.push({ field: `${AT}.photo_images`, message: `is missing: ${pulled}` });
  images.forEach((url, i) => {
    const field = o.photo_images ? `${AT}.photo_images.${i}` : 'media_url';
    if (url.startsWith(MEDIA_REF) || !isHttpUrl(url)) errors.push({ field, message: `must be an http(s) URL: ${pulled}` });
    else if (/\.png$/i.test(new URL(url).pathname)) errors.push({ field, message: 'is a PNG; TikTok photo posts take JPEG or WebP images only' });
  });
  const cover = o.photo_cover_index ?? 0;
  if (cover >= Math.max(1, images.length))
    errors.push({ field: `${AT}.photo_cover_index`, message: `is ${cover}, but the post has ${images.length} image(s) (0-based)` });
  return { photo_images: images, photo_cover_index: cover };
}

/** The caption (videos) or description (photos), with the link written in; post-wide text that is too long is fitted. */
function planText(draft: Draft, link: string | undefined, max: number, errors: FieldIssue[], adaptations: Adaptation[]): string {
  const content = (draft.content ?? '').trim();
  const tail = link !== undefined && !content.includes(link) ? link : undefined;
  if (tail) adaptations.push({ field: draft.linkField, kind: 'link_placed', message: 'is written at the end of the text (TikTok has no link field)' });
  const whole = [content, tail].filter(Boolean).join(' ');
  if (utf16Length(whole) <= max) return whole;
  if (draft.contentField !== 'content') {
    errors.push({ field: draft.contentField, message: `is ${utf16Length(whole)} characters with the link; TikTok takes up to ${max}` });
    return whole;
  }
  const fitted = fitText({ text: content, max, count: utf16Length, tail });
  adaptations.push({ field: draft.contentField, kind: 'text_fitted', message: `was cut to ${utf16Length(fitted.text)} of TikTok's ${max} characters` });
  return fitted.text;
}
