import { isHttpUrl } from '../../shared/index.js';
import { fitText } from '../fit-text.js';
import type { AccountContext, Adaptation, Draft, Plan } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { checkLinkedInMedia, mediaRef } from './media.js';
import type { LinkedInOptions, Visibility } from './options.js';
import { LINKEDIN_LIMITS } from './platform.js';
import { escapeLittleText, littleTextLength } from './text.js';

/**
 * What a delivery to LinkedIn stores: the post as LinkedIn will receive it, except that media are
 * URLs or `pinion-media:<id>` references until the publisher uploads them (LinkedIn takes no
 * media by URL) and replaces them with image and video URNs.
 */
export interface LinkedInPayload {
  /**
   * `LinkedIn-Version` of every call of this delivery, when the post named one; otherwise the
   * version of the Pinion that publishes it, so a post scheduled long ahead is not sent with a
   * version LinkedIn has sunset meanwhile.
   */
  version?: string;
  /** `urn:li:person:…` or `urn:li:organization:…`: the connected account. */
  author: string;
  /** Already in little-text format (reserved characters escaped, mentions and hashtags kept). */
  commentary: string;
  visibility: Visibility;
  disable_reshare: boolean;
  /** One image, 2–20 images, or one video. */
  media?: LinkedInMediaItem[];
  video_title?: string;
  article?: { source: string; title: string; description?: string; thumbnail?: LinkedInMediaItem };
}
export interface LinkedInMediaItem {
  kind: 'image' | 'video';
  /** An http(s) URL, or `pinion-media:<id>`. */
  source: string;
  alt_text?: string;
}

const OPT = 'platform_options.linkedin';
const MAX = LINKEDIN_LIMITS.commentary;

/** Turns a draft into the post LinkedIn will receive, with every problem and every change Pinion made. */
export async function planLinkedIn(draft: Draft, ctx: AccountContext): Promise<Plan> {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const adaptations: Adaptation[] = [];
  const o = draft.options as LinkedInOptions;
  const organization = ctx.account.externalId.startsWith('urn:li:organization:');

  let link: string | undefined;
  if (draft.link !== undefined && draft.link !== '') {
    if (!isHttpUrl(draft.link)) errors.push({ field: draft.linkField, message: 'must be an http(s) URL' });
    else link = draft.tag(draft.link);
  }
  const media = planMedia(draft, o, errors, warnings);
  const content = draft.content ?? '';
  if (!content.trim() && !link && media.length === 0)
    errors.push({ field: draft.contentField, message: 'LinkedIn needs text, a link or media: give content, link, media_url or media_id' });
  if (organization && o.visibility === 'CONNECTIONS')
    errors.push({ field: `${OPT}.visibility`, message: 'CONNECTIONS is for members; a company page posts PUBLIC or LOGGED_IN' });

  // The link is an article card when the post has no media; next to media it can only go in the text.
  const linkInText = link !== undefined && media.length > 0 ? link : undefined;
  if (linkInText) {
    adaptations.push({
      kind: 'link_placed',
      field: draft.linkField,
      message: 'LinkedIn shows media or a link card, not both: the link was put at the end of the text',
    });
    for (const f of ['title', 'description', 'thumbnail_url', 'thumbnail_media_id'] as const) {
      if (o[f] !== undefined)
        warnings.push({ field: `${OPT}.${f}`, message: 'is for the article card of a post without media; this post has media, so it is not sent' });
    }
  }
  const text = planText(draft, content, linkInText, errors, adaptations);

  let article: LinkedInPayload['article'];
  if (link !== undefined && !linkInText) {
    let title = o.title;
    if (title === undefined) {
      const firstLine = content.trim().split('\n')[0]!.trim();
      title = fitText({ text: firstLine || new URL(link).host, max: LINKEDIN_LIMITS.articleTitle, count: (s) => [...s].length }).text;
      adaptations.push({
        kind: 'other',
        field: `${OPT}.title`,
        message: `is not given: the article card is titled "${title}" (from the ${firstLine ? 'first line of the content' : "link's host"}); set it to choose`,
      });
    }
    const thumbnail = planThumbnail(draft, o, errors);
    article = { source: link, title, ...(o.description !== undefined && { description: o.description }), ...(thumbnail && { thumbnail }) };
  }

  const payload: LinkedInPayload = {
    ...(o.api_version !== undefined && { version: o.api_version }),
    author: ctx.account.externalId,
    commentary: escapeLittleText(text),
    visibility: o.visibility ?? 'PUBLIC',
    disable_reshare: o.disable_reshare ?? false,
    ...(media.length > 0 && { media }),
    ...(o.video_title !== undefined && media[0]?.kind === 'video' && { video_title: o.video_title }),
    ...(article && { article }),
  };
  return { payload, errors, warnings, adaptations };
}

/** Post-wide text is fitted to LinkedIn's 3,000 (counted after escaping); text written for LinkedIn is never cut. */
function planText(draft: Draft, content: string, tail: string | undefined, errors: FieldIssue[], adaptations: Adaptation[]): string {
  const whole = [content.trim(), tail].filter(Boolean).join(' ');
  const length = littleTextLength(whole);
  if (length <= MAX) return whole;
  if (draft.contentField !== 'content') {
    errors.push({ field: draft.contentField, message: `is ${length} characters after LinkedIn's escaping; LinkedIn takes at most ${MAX}` });
    return whole;
  }
  const fitted = fitText({ text: content, max: MAX, count: littleTextLength, tail });
  const tags = fitted.droppedHashtags.length ? `; dropped ${fitted.droppedHashtags.join(' ')}` : '';
  adaptations.push({
    kind: 'text_fitted',
    field: draft.contentField,
    message: `is ${length} characters after LinkedIn's escaping, over its ${MAX}: cut to fit${tags}`,
  });
  return fitted.text;
}

function planThumbnail(d: Draft, o: LinkedInOptions, errors: FieldIssue[]): LinkedInMediaItem | undefined {
  const alt = o.alt_text !== undefined ? { alt_text: o.alt_text } : {};
  if (o.thumbnail_url !== undefined && o.thumbnail_media_id !== undefined)
    errors.push({ field: `${OPT}.thumbnail_media_id`, message: 'give either thumbnail_url or thumbnail_media_id, not both' });
  if (o.thumbnail_media_id !== undefined) {
    const field = `${OPT}.thumbnail_media_id`;
    const info = d.media(o.thumbnail_media_id);
    if (!info) return void errors.push({ field, message: `no media ${o.thumbnail_media_id} in this workspace` });
    if (info.kind !== 'image') return void errors.push({ field, message: `is a ${info.kind}; an article thumbnail is an image` });
    errors.push(...checkLinkedInMedia(info).errors.map((e) => ({ field, message: e.message })));
    return { kind: 'image', source: mediaRef(o.thumbnail_media_id), ...alt };
  }
  if (o.thumbnail_url !== undefined) {
    if (!isHttpUrl(o.thumbnail_url)) return void errors.push({ field: `${OPT}.thumbnail_url`, message: 'must be an http(s) URL' });
    return { kind: 'image', source: o.thumbnail_url, ...alt };
  }
  return undefined;
}

/** The post's media, checked against LinkedIn's rules: one image, 2–20 images, or one video alone. */
function planMedia(d: Draft, o: LinkedInOptions, errors: FieldIssue[], warnings: FieldIssue[]): LinkedInMediaItem[] {
  const items: Array<{ field: string; item: LinkedInMediaItem }> = [];
  const add = (field: string, altField: string, ref: { url?: string; id?: string }, alt: string | undefined) => {
    if (ref.id !== undefined) {
      const info = d.media(ref.id);
      if (!info) return errors.push({ field, message: `no media ${ref.id} in this workspace` });
      const verdict = checkLinkedInMedia(info);
      errors.push(...verdict.errors.map((e) => ({ field, message: e.message })));
      warnings.push(...verdict.warnings.map((w) => ({ field, message: w.message })));
      if (info.kind === 'other') return;
      items.push({ field, item: { kind: info.kind, source: mediaRef(ref.id), ...(alt !== undefined && { alt_text: alt }) } });
    } else if (ref.url !== undefined) {
      if (!isHttpUrl(ref.url)) return errors.push({ field, message: 'must be an http(s) URL' });
      items.push({ field, item: { kind: 'image', source: ref.url, ...(alt !== undefined && { alt_text: alt }) } });
    }
    if (alt === undefined && items.at(-1)?.item.kind === 'image')
      warnings.push({ field: altField, message: 'is missing; alt text makes the image accessible to people using screen readers' });
  };

  if (d.mediaUrl && d.mediaId) errors.push({ field: 'media_id', message: 'give either media_url or media_id, not both' });
  if (d.mediaId !== undefined) add('media_id', `${OPT}.alt_text`, { id: d.mediaId }, o.alt_text);
  else if (d.mediaUrl !== undefined) add('media_url', `${OPT}.alt_text`, { url: d.mediaUrl }, o.alt_text);

  (o.images ?? []).forEach((img, i) => {
    const at = `${OPT}.images.${i}`;
    if ((img.media_url === undefined) === (img.media_id === undefined))
      return errors.push({ field: at, message: 'needs exactly one of media_url or media_id' });
    add(img.media_id !== undefined ? `${at}.media_id` : `${at}.media_url`, `${at}.alt_text`, { url: img.media_url, id: img.media_id }, img.alt_text);
  });

  const video = items.find((m) => m.item.kind === 'video');
  if (video && items.length > 1)
    errors.push({ field: video.field, message: `is a video; LinkedIn takes one video alone, or 1 to ${LINKEDIN_LIMITS.maxImages} images, per post` });
  if (items.length > LINKEDIN_LIMITS.maxImages)
    errors.push({ field: `${OPT}.images`, message: `makes ${items.length} images; LinkedIn takes at most ${LINKEDIN_LIMITS.maxImages} per post` });
  return items.map((m) => m.item);
}
