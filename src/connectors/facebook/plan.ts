import { isHttpUrl } from '../../shared/index.js';
import type { AccountContext, Adaptation, Draft, Plan } from '../contract.js';
import { fitText } from '../fit-text.js';
import { codePoints, toGraphMedia, type GraphMedia, type NamedMedia } from '../meta-graph/index.js';
import type { FieldIssue } from '../types.js';
import type { FacebookOptions } from './options.js';
import { FB_LIMITS } from './platform.js';

/** What a delivery to a Facebook Page stores: exactly what will be sent. */
export interface FacebookPayload {
  page: { id: string; name: string };
  kind: 'text' | 'link' | 'photo' | 'photos' | 'video';
  message?: string;
  link?: string;
  title?: string;
  items: GraphMedia[];
}

const OPT = 'platform_options.facebook';

/** A text or link post, a photo or several, or a video, on the Page. */
export async function planFacebook(draft: Draft, ctx: AccountContext): Promise<Plan> {
  const o = draft.options as FacebookOptions;
  const errors: FieldIssue[] = [];
  const adaptations: Adaptation[] = [];
  const named: NamedMedia[] = [];
  if (draft.mediaUrl !== undefined || draft.mediaId !== undefined)
    named.push({ field: draft.mediaId !== undefined ? 'media_id' : 'media_url', url: draft.mediaUrl, id: draft.mediaId, alt_text: o.alt_text });
  (o.photos ?? []).forEach((m, i) => named.push({ field: `${OPT}.photos.${i}`, url: m.media_url, id: m.media_id, alt_text: m.alt_text }));
  const items = named
    .map((m) => toGraphMedia(m, draft, errors))
    .filter((m) => m !== undefined)
    .map(({ info: _info, ...m }) => m);
  const videos = items.filter((m) => m.kind === 'video');
  if (videos.length && items.length > 1)
    errors.push({ field: `${OPT}.photos`, message: 'a video is the only media of its Facebook post; post the photos separately' });
  if (items.length > FB_LIMITS.maxPhotos)
    errors.push({ field: `${OPT}.photos`, message: `Pinion posts at most ${FB_LIMITS.maxPhotos} photos at once to Facebook` });
  const kind: FacebookPayload['kind'] = videos.length ? 'video' : items.length > 1 ? 'photos' : items.length ? 'photo' : draft.link ? 'link' : 'text';

  let link: string | undefined;
  if (draft.link) {
    if (!isHttpUrl(draft.link)) errors.push({ field: draft.linkField, message: 'must be an http(s) URL' });
    else link = draft.tag(draft.link);
  }
  // Photo and video posts carry no link preview: the link goes at the end of the text.
  const tail = link && kind !== 'link' ? link : undefined;
  if (tail)
    adaptations.push({
      kind: 'link_placed',
      field: draft.linkField,
      message: `Facebook ${kind} posts have no link preview: the link is added at the end of the text`,
    });
  let message = (draft.content ?? '').trim();
  const whole = [message, tail].filter(Boolean).join(' ');
  if (codePoints(whole) > FB_LIMITS.message) {
    if (draft.contentField !== 'content')
      errors.push({ field: draft.contentField, message: `is ${codePoints(message)} characters; Facebook takes at most ${FB_LIMITS.message}` });
    else {
      message = fitText({ text: message, max: FB_LIMITS.message, count: codePoints, tail }).text;
      adaptations.push({ kind: 'text_fitted', field: draft.contentField, message: `shortened to fit Facebook's ${FB_LIMITS.message} characters` });
    }
  } else message = whole;
  if (!message && !items.length && !link) errors.push({ field: 'content', message: 'a Facebook post needs text, a link, a photo or a video' });

  const payload: FacebookPayload = {
    page: { id: ctx.account.externalId, name: ctx.account.username },
    kind,
    ...(message && { message }),
    ...(kind === 'link' && link && { link }),
    ...(kind === 'video' && o.title && { title: o.title }),
    items,
  };
  return { payload, errors, warnings: [], adaptations };
}
