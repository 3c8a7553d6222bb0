import { isHttpUrl } from '../../shared/index.js';
import type { AccountContext, Adaptation, Draft, Plan } from '../contract.js';
import { fitText } from '../fit-text.js';
import { splitChain, threadsLength, toGraphMedia, type GraphMedia, type NamedMedia } from '../meta-graph/index.js';
import type { FieldIssue } from '../types.js';
import type { ThreadsOptions } from './options.js';
import { THREADS_LIMITS } from './platform.js';

/** What a delivery to Threads stores: the posts to make in order, each after the first a reply to the one before. */
export interface ThreadsPayload {
  user: { id: string; username: string };
  parts: ThreadsPart[];
  reply_control?: string;
}
export interface ThreadsPart {
  text: string;
  /** The first part's media: one item (IMAGE/VIDEO) or a carousel. */
  items: GraphMedia[];
}

const OPT = 'platform_options.threads';
const MAX = THREADS_LIMITS.text;

/** A short text (fitted, or a reply chain with `thread`), with an image, a video or a carousel. */
export async function planThreads(draft: Draft, ctx: AccountContext): Promise<Plan> {
  const o = draft.options as ThreadsOptions;
  const errors: FieldIssue[] = [];
  const adaptations: Adaptation[] = [];
  const named: NamedMedia[] = [];
  if (draft.mediaUrl !== undefined || draft.mediaId !== undefined)
    named.push({ field: draft.mediaId !== undefined ? 'media_id' : 'media_url', url: draft.mediaUrl, id: draft.mediaId, alt_text: o.alt_text });
  (o.media ?? []).forEach((m, i) => named.push({ field: `${OPT}.media.${i}`, url: m.media_url, id: m.media_id, alt_text: m.alt_text }));
  const items = named
    .map((m) => toGraphMedia(m, draft, errors))
    .filter((m) => m !== undefined)
    .map(({ info: _info, ...m }) => m);
  if (items.length > THREADS_LIMITS.carouselMax)
    errors.push({ field: `${OPT}.media`, message: `a Threads carousel takes at most ${THREADS_LIMITS.carouselMax} items` });

  let link: string | undefined;
  if (draft.link) {
    if (!isHttpUrl(draft.link)) errors.push({ field: draft.linkField, message: 'must be an http(s) URL' });
    else link = draft.tag(draft.link);
  }
  const text = (draft.content ?? '').trim();
  const whole = [text, link].filter(Boolean).join(' ');
  let texts = [whole];
  if (threadsLength(whole) > MAX) {
    if (o.thread) {
      texts = splitChain(whole, MAX, threadsLength);
      adaptations.push({
        kind: 'split_into_thread',
        field: draft.contentField,
        message: `is ${threadsLength(whole)} characters as Threads counts them; it becomes a chain of ${texts.length} posts, each a reply to the one before`,
      });
      if (texts.length > THREADS_LIMITS.maxChain)
        errors.push({ field: draft.contentField, message: `would make ${texts.length} posts; Pinion makes chains of at most ${THREADS_LIMITS.maxChain}` });
    } else if (draft.contentField !== 'content') {
      errors.push({
        field: draft.contentField,
        message: `is ${threadsLength(whole)} characters as Threads counts them (emoji count as their UTF-8 bytes); Threads takes ${MAX} (or set platform_options.threads.thread)`,
      });
    } else {
      texts = [fitText({ text, max: MAX, count: threadsLength, tail: link }).text];
      adaptations.push({
        kind: 'text_fitted',
        field: draft.contentField,
        message: `shortened to fit Threads' ${MAX} characters (set platform_options.threads.thread to post a chain instead)`,
      });
    }
  }
  for (const t of texts) {
    const links = t.match(/https?:\/\/\S+/g)?.length ?? 0;
    if (links > THREADS_LIMITS.links)
      errors.push({ field: draft.contentField, message: `has ${links} links; a Threads post takes at most ${THREADS_LIMITS.links}` });
  }
  if (!whole && !items.length) errors.push({ field: 'content', message: 'a Threads post needs text or media' });
  const payload: ThreadsPayload = {
    user: { id: ctx.account.externalId, username: ctx.account.username },
    parts: texts.map((t, i) => ({ text: t, items: i === 0 ? items : [] })),
    ...(o.reply_control && { reply_control: o.reply_control }),
  };
  return { payload, errors, warnings: [], adaptations };
}
