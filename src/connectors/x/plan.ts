import { isHttpUrl } from '../../shared/index.js';
import type { Adaptation, Draft, Plan, AccountContext } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { checkXMedia, mediaRef } from './media.js';
import type { ReplySettings, XOptions } from './options.js';
import { X_LIMITS, weightedLength } from './platform.js';
import { fitText, splitThread } from './text.js';

/**
 * What a delivery to X stores: the posts to create in order, each after the first a reply to the
 * one before. Media are URLs (downloaded by the publisher, since X takes no image by URL) or
 * `pinion-media:<id>` references to media Pinion stores; they belong to the first post.
 */
export interface XPayload {
  /** The account's X user id and handle: the outcome search reads this user's timeline without asking X who the token is. */
  user: { id: string; username: string };
  parts: XPart[];
  /** Applies to every post of a thread. */
  reply_settings?: ReplySettings;
}
export interface XPart {
  text: string;
  media?: XMediaItem[];
}
export interface XMediaItem {
  kind: 'image' | 'video';
  /** An http(s) URL, or `pinion-media:<id>`. */
  source: string;
  alt_text?: string;
}

const OPT = 'platform_options.x';
const MAX = X_LIMITS.textMax;

/** An adaptation, and what to say instead when the post is strict and may not be changed. */
type Change = Adaptation & { refused: string };

/** Turns a draft into the XPayload X will receive, with every problem and every change Pinion made. */
export async function planX(draft: Draft, ctx: AccountContext): Promise<Plan> {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const changes: Change[] = [];
  const o = draft.options as XOptions;

  let link: string | undefined;
  if (draft.link !== undefined && draft.link !== '') {
    if (!isHttpUrl(draft.link)) errors.push({ field: draft.linkField, message: 'must be an http(s) URL' });
    else link = draft.tag(draft.link);
  }
  const media = planMedia(draft, o, errors, warnings);
  const content = draft.content ?? '';
  const texts = planText(draft, content, link, o.thread === true, errors, changes);
  if (!content.trim() && !link && media.length === 0)
    errors.push({ field: draft.contentField, message: 'X needs text or media: give content, media_url or media_id' });

  if (draft.strict) errors.push(...changes.map((c) => ({ field: c.field, message: c.refused })));
  const payload: XPayload = {
    user: { id: ctx.account.externalId, username: ctx.account.username },
    parts: texts.map((text, i) => ({ text, ...(i === 0 && media.length > 0 && { media }) })),
    ...(o.reply_settings !== undefined && { reply_settings: o.reply_settings }),
  };
  return { payload, errors, warnings, adaptations: draft.strict ? [] : changes.map(({ refused: _refused, ...a }) => a) };
}

function planText(draft: Draft, content: string, link: string | undefined, thread: boolean, errors: FieldIssue[], changes: Change[]): string[] {
  const field = draft.contentField;
  const length = weightedLength(content);
  const tooLong = `is ${length} weighted characters; X takes at most ${MAX} and a strict post is never cut or split`;
  const placed = (where: string): Change => ({
    kind: 'link_placed',
    field: draft.linkField,
    message: `X has no link field: the link was put at the end of ${where}, where it counts ${X_LIMITS.urlWeight} characters`,
    refused: 'X has no link field and the text does not contain this link; a strict post is not changed: put the link in the text yourself',
  });

  if (thread) {
    const split = splitThread(content, link);
    if (!split) {
      errors.push({ field, message: `cannot be split into posts of ${MAX} weighted characters` });
      return [content];
    }
    const n = split.parts.length;
    if (n > X_LIMITS.maxThreadParts)
      errors.push({ field, message: `would make a thread of ${n} posts; Pinion posts at most ${X_LIMITS.maxThreadParts}: shorten the text` });
    if (n > 1) {
      changes.push({
        kind: 'split_into_thread',
        field,
        message: `is ${length} weighted characters, over X's ${MAX}: posted as a thread of ${n} posts, each ending " k/${n}"${split.linkPlaced ? ', the link in the first' : ''}`,
        refused: tooLong,
      });
    }
    if (split.linkPlaced) changes.push(placed(n > 1 ? 'the first post' : 'the text'));
    return split.parts;
  }

  const fitted = fitText(content, link);
  if (!fitted) {
    errors.push({ field, message: `cannot be made to fit X's ${MAX} weighted characters` });
    return [content];
  }
  if (fitted.cut || fitted.droppedTags.length) {
    const how = fitted.cut === 'sentence' ? 'cut after the last whole sentence that fits, then " …"' : 'cut after the last word that fits, then "…"';
    const tags = fitted.droppedTags.length ? `; dropped ${fitted.droppedTags.join(' ')}` : '';
    changes.push({
      kind: 'text_fitted',
      field,
      message: `is ${length} weighted characters${link ? ' with the link' : ''}, over X's ${MAX}: ${how}${tags} (set ${OPT}.thread to post it all as a thread)`,
      refused: tooLong,
    });
  }
  if (fitted.linkPlaced) changes.push(placed('the text'));
  return [fitted.text];
}

/** The post's media, checked against X's rules: up to 4 images, or one GIF, or one video. */
function planMedia(d: Draft, o: XOptions, errors: FieldIssue[], warnings: FieldIssue[]): XMediaItem[] {
  const items: Array<{ field: string; item: XMediaItem; gif: boolean }> = [];
  const add = (field: string, altField: string, ref: { url?: string; id?: string }, alt: string | undefined) => {
    if (ref.id !== undefined) {
      const info = d.media(ref.id);
      if (!info) return errors.push({ field, message: `no media ${ref.id} in this workspace` });
      const verdict = checkXMedia(info);
      errors.push(...verdict.errors.map((e) => ({ field, message: e.message })));
      warnings.push(...verdict.warnings.map((w) => ({ field, message: w.message })));
      if (info.kind === 'other') return;
      const kind = info.kind;
      if (kind === 'video' && alt !== undefined)
        warnings.push({ field: altField, message: 'is for images; X gets no alt text for a video from Pinion, so it is not sent' });
      items.push({
        field,
        item: { kind, source: mediaRef(ref.id), ...(kind === 'image' && alt !== undefined && { alt_text: alt }) },
        gif: info.mime === 'image/gif',
      });
    } else if (ref.url !== undefined) {
      if (!isHttpUrl(ref.url)) return errors.push({ field, message: 'must be an http(s) URL' });
      items.push({ field, item: { kind: 'image', source: ref.url, ...(alt !== undefined && { alt_text: alt }) }, gif: false });
    }
    if (alt === undefined && items.at(-1)?.item.kind === 'image')
      warnings.push({ field: altField, message: 'is missing; alt text makes the image accessible to people using screen readers' });
  };

  if (d.mediaUrl && d.mediaId) errors.push({ field: 'media_id', message: 'give either media_url or media_id, not both' });
  if (d.mediaId !== undefined) add('media_id', `${OPT}.alt_text`, { id: d.mediaId }, o.alt_text);
  else if (d.mediaUrl !== undefined) add('media_url', `${OPT}.alt_text`, { url: d.mediaUrl }, o.alt_text);
  else if (o.alt_text !== undefined)
    warnings.push({ field: `${OPT}.alt_text`, message: 'is for the image of media_url or media_id, and the post has none: it is not sent' });

  (o.images ?? []).forEach((img, i) => {
    const at = `${OPT}.images.${i}`;
    if ((img.media_url === undefined) === (img.media_id === undefined))
      return errors.push({ field: at, message: 'needs exactly one of media_url or media_id' });
    add(img.media_id !== undefined ? `${at}.media_id` : `${at}.media_url`, `${at}.alt_text`, { url: img.media_url, id: img.media_id }, img.alt_text);
  });

  const alone = items.find((m) => m.item.kind === 'video' || m.gif);
  if (alone && items.length > 1) {
    errors.push({
      field: alone.field,
      message: `is a ${alone.gif ? 'GIF' : 'video'}; X takes one GIF or one video alone, or up to ${X_LIMITS.maxImages} images, per post`,
    });
  }
  if (items.length > X_LIMITS.maxImages) {
    errors.push({ field: `${OPT}.images`, message: `makes ${items.length} images with media_url or media_id; X takes at most ${X_LIMITS.maxImages} per post` });
  }
  return items.map((m) => m.item);
}
