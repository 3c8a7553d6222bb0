import type { AccountContext, Adaptation, Draft, MediaInfo, Plan } from '../contract.js';
import { fitText } from '../fit-text.js';
import type { FieldIssue } from '../types.js';
import type { YouTubeOptions } from './options.js';
import { tagsLength, YT, YOUTUBE_FACTS } from './platform.js';

/** Exactly what goes to YouTube: the videos.insert metadata, the video, the cover, and whether it is a Short. */
export interface YouTubePayload {
  channelId: string;
  video: {
    snippet: { title: string; description: string; tags?: string[]; categoryId: string };
    status: { privacyStatus: 'public' | 'unlisted' | 'private'; selfDeclaredMadeForKids?: boolean };
  };
  notifySubscribers: boolean;
  /** `pinion-media:<id>` for stored media, else a URL Pinion downloads at publish time. */
  media: string;
  cover?: string;
  /** Square or vertical and at most 3 minutes: YouTube shows it as a Short. */
  short: boolean;
}

const AT = `platform_options.${YOUTUBE_FACTS.id}`;
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const chars = (text: string) => [...text].length;
const ANGLE = /[<>]/;
/** YouTube refuses `<` and `>` in titles and descriptions; post-wide text gets look-alike angle quotes. */
const softenAngles = (text: string) => text.replace(/</g, '‹').replace(/>/g, '›');

/** YouTube decides by shape alone: square or vertical, at most 3 minutes. Unknown shape: not a Short. */
export function isShort(info: Pick<MediaInfo, 'width' | 'height' | 'durationMs'> | undefined): boolean {
  if (!info || info.width === null || info.height === null || info.durationMs === null) return false;
  return info.height >= info.width && info.durationMs <= YT.shortMaxMs;
}

function chooseMedia(draft: Draft, errors: FieldIssue[]): { media?: string; info?: MediaInfo } {
  if (draft.mediaId !== undefined) {
    const info = draft.media(draft.mediaId);
    if (info && info.kind !== 'video') {
      errors.push({
        field: 'media_id',
        message: `YouTube takes videos only, and media ${draft.mediaId} is ${info.kind === 'image' ? 'an image' : 'not a video'} (${info.mime}); give a video (an image can be its cover: ${AT}.cover_media_id)`,
      });
    }
    return { media: `pinion-media:${draft.mediaId}`, info };
  }
  if (draft.mediaUrl !== undefined) return { media: draft.mediaUrl };
  errors.push({
    field: 'media_id',
    message: 'YouTube needs a video: give media_id (a video uploaded with POST /api/v1/media) or media_url; a post without a video cannot go to YouTube',
  });
  return {};
}

function chooseTitle(draft: Draft, o: YouTubeOptions, errors: FieldIssue[], adaptations: Adaptation[]): string {
  if (o.title !== undefined) {
    if (chars(o.title) > YT.titleMax) errors.push({ field: `${AT}.title`, message: `is ${chars(o.title)} characters; YouTube takes at most ${YT.titleMax}` });
    if (ANGLE.test(o.title)) errors.push({ field: `${AT}.title`, message: 'contains < or >, which YouTube refuses in titles; remove them' });
    return o.title;
  }
  const firstLine =
    (draft.content ?? '')
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? '';
  if (firstLine === '') {
    errors.push({ field: `${AT}.title`, message: 'YouTube needs a title: give one here, or content whose first line becomes the title' });
    return '';
  }
  let title = firstLine;
  if (ANGLE.test(title)) {
    title = softenAngles(title);
    adaptations.push({ kind: 'other', field: draft.contentField, message: 'YouTube refuses < and > in titles: the title has ‹ and › instead' });
  }
  const fitted = fitText({ text: title, max: YT.titleMax, count: chars });
  if (fitted.cut)
    adaptations.push({
      kind: 'text_fitted',
      field: draft.contentField,
      message: `The first line (${chars(title)} characters) is the title, fitted to YouTube's ${YT.titleMax}: "${fitted.text}"`,
    });
  return fitted.text;
}

function chooseDescription(draft: Draft, short: boolean, o: YouTubeOptions, errors: FieldIssue[], adaptations: Adaptation[]): string {
  const own = draft.contentField !== 'content';
  let text = draft.content ?? '';
  if (ANGLE.test(text)) {
    if (own) errors.push({ field: draft.contentField, message: 'contains < or >, which YouTube refuses in descriptions; remove them' });
    else {
      text = softenAngles(text);
      adaptations.push({ kind: 'other', field: draft.contentField, message: 'YouTube refuses < and > in descriptions: the description has ‹ and › instead' });
    }
  }
  const link = draft.link === undefined ? undefined : draft.tag(draft.link);
  if (short && o.shorts_hashtag !== false && !/(^|\s)#shorts\b/i.test(text)) {
    text = `${text.trimEnd()}${text.trim() ? ' ' : ''}#Shorts`;
    adaptations.push({
      kind: 'other',
      field: draft.contentField,
      message: `The video is square or vertical and at most 3 minutes: YouTube shows it as a Short; #Shorts added to the description (${AT}.shorts_hashtag: false leaves it out)`,
    });
  }
  const whole = [text.trim(), link].filter((p) => p !== undefined && p !== '').join(' ');
  if (bytes(whole) <= YT.descriptionMaxBytes) {
    if (link !== undefined)
      adaptations.push({ kind: 'link_placed', field: draft.linkField, message: 'YouTube has no link field: the link is at the end of the description' });
    return whole;
  }
  if (own) {
    errors.push({
      field: draft.contentField,
      message: `is ${bytes(whole)} bytes (UTF-8)${link ? ' with the link' : ''}; YouTube takes at most ${YT.descriptionMaxBytes}`,
    });
    return whole;
  }
  const fitted = fitText({ text, max: YT.descriptionMaxBytes, count: bytes, tail: link });
  adaptations.push({
    kind: 'text_fitted',
    field: draft.contentField,
    message: `The description is ${bytes(whole)} bytes (UTF-8); fitted to YouTube's ${YT.descriptionMaxBytes}`,
  });
  return fitted.text;
}

function checkTags(tags: string[] | undefined, errors: FieldIssue[]): void {
  if (!tags) return;
  tags.forEach((tag, i) => {
    if (ANGLE.test(tag) || tag.includes(',')) errors.push({ field: `${AT}.tags.${i}`, message: 'contains <, > or a comma, which YouTube refuses in tags' });
  });
  const length = tagsLength(tags);
  if (length > YT.tagsMaxChars) {
    errors.push({
      field: `${AT}.tags`,
      message: `are ${length} characters as YouTube counts them (commas between tags, quotes around tags with spaces); at most ${YT.tagsMaxChars}`,
    });
  }
}

function checkCover(draft: Draft, o: YouTubeOptions, errors: FieldIssue[]): string | undefined {
  if (o.cover_media_id !== undefined && o.cover_url !== undefined)
    errors.push({ field: `${AT}.cover_url`, message: 'give cover_media_id or cover_url, not both' });
  if (o.cover_media_id !== undefined) {
    const info = draft.media(o.cover_media_id);
    if (info && !(YT.thumbnailTypes as readonly string[]).includes(info.mime))
      errors.push({ field: `${AT}.cover_media_id`, message: `is ${info.mime}; a YouTube thumbnail must be JPEG or PNG` });
    else if (info && info.size > YT.thumbnailMaxBytes)
      errors.push({ field: `${AT}.cover_media_id`, message: `is ${info.size} bytes; a YouTube thumbnail may be at most 2 MiB` });
    return `pinion-media:${o.cover_media_id}`;
  }
  return o.cover_url;
}

/** The draft as YouTube will receive it: a video with its title, description, tags, category, privacy and cover. */
export async function planYouTube(draft: Draft, ctx: AccountContext): Promise<Plan> {
  const o = draft.options as YouTubeOptions;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const adaptations: Adaptation[] = [];
  const { media, info } = chooseMedia(draft, errors);
  if (info && info.kind === 'video' && info.size > YT.maxVideoBytes)
    errors.push({ field: 'media_id', message: `is ${info.size} bytes; YouTube takes videos up to 256 GiB` });
  const short = isShort(info);
  const title = chooseTitle(draft, o, errors, adaptations);
  const description = chooseDescription(draft, short, o, errors, adaptations);
  checkTags(o.tags, errors);
  const cover = checkCover(draft, o, errors);
  if (media !== undefined && info === undefined && draft.mediaUrl !== undefined) {
    warnings.push({
      field: 'media_url',
      message: 'YouTube decides whether a video is a Short by its shape; for a video given by URL Pinion cannot tell before publishing',
    });
  }
  const payload: YouTubePayload = {
    channelId: ctx.account.externalId,
    video: {
      snippet: { title, description, ...(o.tags && { tags: o.tags }), categoryId: o.category_id ?? YT.defaultCategoryId },
      status: { privacyStatus: o.privacy_status ?? 'public', ...(o.made_for_kids !== undefined && { selfDeclaredMadeForKids: o.made_for_kids }) },
    },
    notifySubscribers: o.notify_subscribers ?? true,
    media: media ?? '',
    ...(cover !== undefined && { cover }),
    short,
  };
  return { payload, errors, warnings, adaptations };
}
