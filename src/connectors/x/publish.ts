import { systemClock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { PublishInput, Publisher, WithToken } from '../types.js';
import type { PostCreate, XClient } from './client.js';
import { adoptFound, pickPart, recentPosts } from './find.js';
import { refId } from './media.js';
import type { XMediaItem, XPayload } from './plan.js';
import { X_FACTS, postUrl } from './platform.js';
import { uploadMedia, type MediaBytes, type UploadOptions } from './upload.js';

/**
 * What a delivery to X saves as it goes: the ids of the parts already out, in order, and the part
 * whose POST began but whose answer was not yet saved (it may be out: look before posting again).
 */
export interface XProgress {
  done: string[];
  sending?: { index: number; since: number };
}

/** Downloads an image a post names by URL (X takes no image by URL); Pinion passes one that refuses private addresses. */
export type ReadUrl = (url: string) => Promise<MediaBytes>;
/** PublishInput as the X publisher can use it: with a way to download media_url images. */
export type XPublishInput = PublishInput & { readUrl?: ReadUrl };

export interface XPublisherOptions extends UploadOptions {
  /** Used when the caller's PublishInput carries no `readUrl`. */
  readUrl?: ReadUrl;
}

function readProgress(progress: unknown): XProgress {
  const p = progress as Partial<XProgress> | null | undefined;
  const done = Array.isArray(p?.done) ? p.done.filter((id): id is string => typeof id === 'string') : [];
  const s = p?.sending;
  return { done, ...(s && typeof s.index === 'number' && typeof s.since === 'number' && { sending: { index: s.index, since: s.since } }) };
}

/**
 * X's publish flow as plain steps: for each part of the payload in order, upload its media, then
 * create the post, replying to the part before. Progress is saved around every post, so an
 * attempt after a crash or a lost answer resumes after the parts already out and never posts a
 * part twice.
 */
export function xPublisher(client: XClient, opts: XPublisherOptions = {}): Publisher {
  const clock = opts.clock ?? systemClock;

  async function mediaBytes(item: XMediaItem, input: XPublishInput): Promise<MediaBytes> {
    const id = refId(item.source);
    try {
      if (id !== undefined) return await input.readMedia(id);
      return await (opts.readUrl ?? input.readUrl)(item.source);
    } catch (err) {
      if (err instanceof ConnectorError) throw err;
      // The media was deleted, or the URL no longer serves it: retrying will not bring it back.
      throw new ConnectorError('rejected', `Media ${id ?? item.source} of this post can no longer be read: ${(err as Error).message}`);
    }
  }

  async function uploadAll(items: XMediaItem[] | undefined, input: XPublishInput): Promise<string[]> {
    const ids: string[] = [];
    for (const item of items ?? []) ids.push(await uploadMedia(client, input.withToken, item.kind, await mediaBytes(item, input), item.alt_text, opts));
    return ids;
  }

  return {
    platform: X_FACTS.id,
    rateCategory: X_FACTS.writeBudget.category,

    async publish(input: XPublishInput) {
      const payload = input.payload as XPayload;
      const progress = readProgress(input.progress);
      const done = [...progress.done];
      const { sending } = progress;
      if (sending && sending.index === done.length && done.length < payload.parts.length) {
        // Another delivery's post never sits in this thread, and X refuses a second post with the
        // same text, so the first part needs no exclusion list here.
        const posts = await input.withToken((t) => recentPosts(client, t, payload.user.id, sending.since));
        const found = pickPart(posts, payload, done.length, done, new Set());
        if (found) {
          done.push(found.id);
          await input.checkpoint({ done } satisfies XProgress);
        }
      }
      for (let index = done.length, first = true; index < payload.parts.length; index++, first = false) {
        const part = payload.parts[index]!;
        if (!first) await input.spend();
        const mediaIds = await uploadAll(part.media, input);
        const post: PostCreate = {
          ...(part.text !== '' && { text: part.text }),
          ...(mediaIds.length > 0 && { media: { media_ids: mediaIds } }),
          ...(index > 0 && { reply: { in_reply_to_tweet_id: done[index - 1]! } }),
          ...(payload.reply_settings !== undefined && { reply_settings: payload.reply_settings }),
        };
        await input.checkpoint({ done, sending: { index, since: clock.now() } } satisfies XProgress);
        const created = await input
          .withToken((t) => client.createPost(t, post))
          .catch((err: unknown) => {
            // X refuses a post whose text the account just posted. For a part an earlier attempt may
            // have sent, that is a sign it went out after all and the timeline has not shown it yet:
            // look again later rather than fail a delivery that is in fact out.
            if (sending?.index === index && err instanceof ConnectorError && err.kind === 'rejected' && /duplicate/i.test(err.message)) {
              throw new ConnectorError('unknown_outcome', `${err.message} (this part may have been posted by the earlier attempt)`, err.details);
            }
            throw err;
          });
        done.push(created.id);
        await input.checkpoint({ done } satisfies XProgress);
      }
      if (!done[0]) throw new ConnectorError('rejected', 'The X payload has no posts to make');
      return { externalId: done[0], url: postUrl(done[0], payload.user.username) };
    },

    /**
     * Reads the user's posts since the attempt (minus clock skew, every page within the budget)
     * for the parts not yet known to be out. The delivery is published only when every part is;
     * a thread found half-way returns null, and the next publish adopts what is out and goes on.
     */
    async findPublished({ payload, since, exclude, withToken, progress }) {
      const p = payload as XPayload;
      const known = readProgress(progress);
      const start = Math.min(since, known.sending?.since ?? since);
      const posts = await withToken((t) => recentPosts(client, t, p.user.id, start));
      const done = adoptFound(posts, p, known.done, exclude);
      if (done.length < p.parts.length || !done[0]) return null;
      return { externalId: done[0], url: postUrl(done[0], p.user.username) };
    },

    async remove({ externalId, withToken }: { externalId: string; withToken: WithToken }) {
      try {
        await withToken((t) => client.deletePost(t, externalId));
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'not_found') return; // already gone
        throw err;
      }
    },
  };
}
