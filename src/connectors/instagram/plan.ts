import { isHttpUrl } from '../../shared/index.js';
import type { AccountContext, Adaptation, Draft, Plan } from '../contract.js';
import { fitText } from '../fit-text.js';
import { VIA_FACEBOOK, codePoints, hashtags, mentions, toGraphMedia, type GraphMedia, type NamedMedia } from '../meta-graph/index.js';
import type { FieldIssue } from '../types.js';
import type { InstagramOptions } from './options.js';
import { IG_LIMITS } from './platform.js';

/** What a delivery to Instagram stores: exactly what will be sent, media as URLs or `pinion-media:<id>`. */
export interface InstagramPayload {
  user: { id: string; username: string };
  /** Which login reached the account: graph.facebook.com with the Page token, or graph.instagram.com. */
  via: 'facebook' | 'instagram';
  kind: 'image' | 'carousel' | 'reels' | 'story';
  caption?: string;
  items: GraphMedia[];
  share_to_feed?: boolean;
  cover_url?: string;
  thumb_offset?: number;
  /** Feed images outside Instagram's aspect ratios are cropped or padded when publishing. */
  fit?: 'crop' | 'pad';
  /** Posted as the first comment once the media is out (`link_in_first_comment`). */
  first_comment?: string;
}

const OPT = 'platform_options.instagram';

/** Turns a draft into the payload Instagram will receive, with every problem and change. */
export async function planInstagram(draft: Draft, ctx: AccountContext): Promise<Plan> {
  const o = draft.options as InstagramOptions;
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const adaptations: Adaptation[] = [];
  const named: NamedMedia[] = [];
  if (draft.mediaUrl !== undefined || draft.mediaId !== undefined) {
    named.push({ field: draft.mediaId !== undefined ? 'media_id' : 'media_url', url: draft.mediaUrl, id: draft.mediaId, alt_text: o.alt_text });
  }
  (o.media ?? []).forEach((m, i) => named.push({ field: `${OPT}.media.${i}`, url: m.media_url, id: m.media_id, alt_text: m.alt_text }));
  const items = named.map((m) => toGraphMedia(m, draft, errors)).filter((m) => m !== undefined);
  if (!named.length)
    errors.push({ field: 'media_url', message: 'Instagram posts need an image or a video: give media_url or media_id (or platform_options.instagram.media)' });

  const kind = o.kind === 'story' ? 'story' : items.length > 1 ? 'carousel' : items[0]?.kind === 'video' || o.kind === 'reels' ? 'reels' : 'image';
  if (kind === 'carousel' && (items.length < IG_LIMITS.carouselMin || items.length > IG_LIMITS.carouselMax))
    errors.push({ field: `${OPT}.media`, message: `a carousel takes 2 to 10 items; this post has ${items.length}` });
  if ((kind === 'story' || o.kind === 'reels') && named.length > 1)
    errors.push({ field: `${OPT}.kind`, message: `a ${o.kind === 'story' ? 'story' : 'Reel'} takes one media; this post has ${named.length}` });
  if (o.kind === 'reels' && items[0] && items[0].kind !== 'video') errors.push({ field: `${OPT}.kind`, message: 'a Reel needs a video' });
  if (kind === 'story' && !(ctx.account.accountType ?? '').startsWith('BUSINESS'))
    errors.push({
      field: `${OPT}.kind`,
      message: `Instagram lets only business accounts publish stories; ${ctx.account.username} is ${ctx.account.accountType ?? 'not a business account'}`,
    });
  for (const item of items) {
    if (item.alt_text !== undefined && item.kind !== 'image') errors.push({ field: `${OPT}.alt_text`, message: 'alt text is for images only' });
    const ratio = item.info?.width && item.info.height ? item.info.width / item.info.height : undefined;
    if (item.kind === 'image' && kind !== 'story' && ratio !== undefined && (ratio < IG_LIMITS.minRatio - 1e-3 || ratio > IG_LIMITS.maxRatio + 1e-3)) {
      const size = `is ${item.info!.width}×${item.info!.height}`;
      if (o.fit)
        adaptations.push({
          kind: 'other',
          field: 'media_id',
          message: `${size}; it will be ${o.fit === 'crop' ? 'cropped' : 'padded'} to Instagram's 4:5–1.91:1 when published`,
        });
      else
        errors.push({
          field: 'media_id',
          message: `${size}; Instagram feed images must be between 4:5 and 1.91:1 — set platform_options.instagram.fit to "crop" or "pad", or convert it (POST /api/v1/media/{id}/convert {"target":"instagram","crop":true})`,
        });
    }
    if (item.kind === 'video' && kind === 'story' && (item.info?.durationMs ?? 0) > IG_LIMITS.maxStoryVideoMs)
      errors.push({ field: 'media_id', message: 'a story video may last at most 60 s' });
  }
  if (o.cover_url !== undefined && !isHttpUrl(o.cover_url)) errors.push({ field: `${OPT}.cover_url`, message: 'must be an http(s) URL' });

  let first_comment: string | undefined;
  if (draft.link) {
    if (!isHttpUrl(draft.link)) errors.push({ field: draft.linkField, message: 'must be an http(s) URL' });
    else if (o.link_in_first_comment) {
      first_comment = draft.tag(draft.link);
      adaptations.push({
        kind: 'link_placed',
        field: draft.linkField,
        message: 'Instagram captions have no clickable links: the link will be posted as the first comment',
      });
    } else {
      adaptations.push({
        kind: 'link_dropped',
        field: draft.linkField,
        message:
          'Instagram captions have no clickable links: the link is left out (set platform_options.instagram.link_in_first_comment to post it as the first comment)',
      });
    }
  }
  const caption = planCaption(draft, kind, errors, adaptations);
  const payload: InstagramPayload = {
    user: { id: ctx.account.externalId, username: ctx.account.username },
    via: (ctx.account.accountType ?? '').endsWith(VIA_FACEBOOK) ? 'facebook' : 'instagram',
    kind,
    ...(caption && { caption }),
    items: items.map(({ info: _info, ...item }) => item),
    ...(kind === 'reels' && { share_to_feed: o.share_to_feed ?? true }),
    ...(o.cover_url !== undefined && { cover_url: o.cover_url }),
    ...(o.thumb_offset !== undefined && { thumb_offset: o.thumb_offset }),
    ...(o.fit && kind !== 'story' && { fit: o.fit }),
    ...(first_comment && { first_comment }),
  };
  return { payload, errors, warnings, adaptations };
}

function planCaption(draft: Draft, kind: InstagramPayload['kind'], errors: FieldIssue[], adaptations: Adaptation[]): string | undefined {
  const text = (draft.content ?? '').trim();
  if (!text) return undefined;
  if (kind === 'story') {
    adaptations.push({ kind: 'other', field: draft.contentField, message: 'Instagram stories have no caption: the text is left out' });
    return undefined;
  }
  const own = draft.contentField !== 'content';
  let caption = text;
  if (codePoints(text) > IG_LIMITS.caption) {
    if (own) errors.push({ field: draft.contentField, message: `is ${codePoints(text)} characters; Instagram captions take at most ${IG_LIMITS.caption}` });
    else {
      caption = fitText({ text, max: IG_LIMITS.caption, count: codePoints }).text;
      adaptations.push({
        kind: 'text_fitted',
        field: draft.contentField,
        message: `shortened to ${codePoints(caption)} of Instagram's ${IG_LIMITS.caption} characters`,
      });
    }
  }
  const tags = hashtags(caption).length;
  if (tags > IG_LIMITS.hashtags) errors.push({ field: draft.contentField, message: `has ${tags} hashtags; Instagram takes at most ${IG_LIMITS.hashtags}` });
  const at = mentions(caption).length;
  if (at > IG_LIMITS.mentions)
    errors.push({ field: draft.contentField, message: `mentions ${at} accounts; Instagram takes at most ${IG_LIMITS.mentions} @-mentions` });
  return caption;
}
