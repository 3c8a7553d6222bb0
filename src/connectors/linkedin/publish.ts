import { systemClock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import type { PublishInput, Publisher, WithToken } from '../types.js';
import type { LinkedInClient, PostContent, PostCreate } from './client.js';
import { pickFound, recentPosts, type FoundPublished, type KnownMedia } from './find.js';
import { refId } from './media.js';
import type { LinkedInMediaItem, LinkedInPayload } from './plan.js';
import { DEFAULT_LINKEDIN_VERSION, LINKEDIN_FACTS, postUrl, versionOf } from './platform.js';
import { reuseImage, uploadImage, uploadVideo, type MediaBytes, type UploadOptions, type VideoProgress } from './upload.js';

/**
 * What a delivery to LinkedIn saves as it goes: images already uploaded (by slot: `m0`, `m1`…,
 * `thumbnail`), the video upload under way, and when the post create was sent (its answer may
 * have been lost: look before creating again).
 */
export interface LinkedInProgress {
  images: Record<string, string>;
  video?: VideoProgress;
  sending?: { since: number };
}

function readProgress(progress: unknown): LinkedInProgress {
  const p = (progress ?? {}) as Partial<LinkedInProgress>;
  return {
    images: p.images && typeof p.images === 'object' ? { ...p.images } : {},
    ...(p.video && typeof p.video.video === 'string' && { video: p.video }),
    ...(p.sending && typeof p.sending.since === 'number' && { sending: p.sending }),
  };
}

const knownMedia = (p: LinkedInPayload, progress: LinkedInProgress): KnownMedia => {
  const images = (p.media ?? []).map((_, i) => progress.images[`m${i}`]).filter((x): x is string => x !== undefined);
  return { ...(progress.video?.finalized && { video: progress.video.video }), ...(images.length > 0 && { images }) };
};

/**
 * LinkedIn's publish flow as plain steps: upload the images (Images API) or the video (Videos
 * API, in parts), each saved as soon as LinkedIn has it, then create the post. An attempt after a
 * crash or a lost answer reuses what is saved, so no second video is ever started for a delivery
 * and the post is looked for before it is created again.
 */
export function linkedInPublisher(client: LinkedInClient, opts: UploadOptions = {}): Publisher {
  const clock = opts.clock ?? systemClock;

  async function bytesOf(item: LinkedInMediaItem, input: PublishInput): Promise<MediaBytes> {
    const id = refId(item.source);
    try {
      return id !== undefined ? await input.readMedia(id) : await input.readUrl(item.source);
    } catch (err) {
      if (err instanceof ConnectorError) throw err;
      // The media was deleted, or the URL no longer serves it: retrying will not bring it back.
      throw new ConnectorError('rejected', `Media ${id ?? item.source} of this post can no longer be read: ${(err as Error).message}`);
    }
  }

  async function content(p: LinkedInPayload, input: PublishInput, progress: LinkedInProgress): Promise<PostContent | undefined> {
    const target = { client, withToken: input.withToken, version: versionOf(p), owner: p.author };
    const save = () => input.checkpoint(progress);
    const image = async (slot: string, item: LinkedInMediaItem) => {
      const saved = progress.images[slot];
      if (saved && (await reuseImage(target, saved, opts))) return saved;
      return uploadImage(
        target,
        await bytesOf(item, input),
        (urn) => {
          progress.images[slot] = urn;
          return save();
        },
        opts,
      );
    };
    const media = p.media ?? [];
    if (media[0]?.kind === 'video') {
      const urn = await uploadVideo(
        target,
        await bytesOf(media[0], input),
        progress.video,
        (v) => {
          progress.video = v;
          return save();
        },
        opts,
      );
      return { media: { id: urn, ...(p.video_title !== undefined && { title: p.video_title }) } };
    }
    if (media.length === 1) return { media: { id: await image('m0', media[0]!), ...(media[0]!.alt_text !== undefined && { altText: media[0]!.alt_text }) } };
    if (media.length > 1) {
      const images: Array<{ id: string; altText?: string }> = [];
      for (const [i, item] of media.entries()) images.push({ id: await image(`m${i}`, item), ...(item.alt_text !== undefined && { altText: item.alt_text }) });
      return { multiImage: { images } };
    }
    if (p.article) {
      const a = p.article;
      const thumbnail = a.thumbnail ? await image('thumbnail', a.thumbnail) : undefined;
      return {
        article: {
          source: a.source,
          title: a.title,
          ...(a.description !== undefined && { description: a.description }),
          ...(thumbnail && { thumbnail }),
          ...(thumbnail && a.thumbnail?.alt_text !== undefined && { thumbnailAltText: a.thumbnail.alt_text }),
        },
      };
    }
    return undefined;
  }

  async function search(
    p: LinkedInPayload,
    withToken: WithToken,
    since: number,
    progress: LinkedInProgress,
    exclude: ReadonlySet<string>,
  ): Promise<FoundPublished | null> {
    const posts = await withToken((t) => recentPosts(client, t, p, since));
    return pickFound(posts, p, knownMedia(p, progress), exclude);
  }

  return {
    platform: LINKEDIN_FACTS.id,
    rateCategory: LINKEDIN_FACTS.writeBudget.category,

    async publish(input) {
      const p = input.payload as LinkedInPayload;
      const progress = readProgress(input.progress);
      if (progress.sending) {
        // An earlier create got no answer; the scheduler's search may have run before LinkedIn listed it.
        const found = await search(p, input.withToken, progress.sending.since, progress, new Set());
        if (found) return found;
      }
      const body: PostCreate = {
        author: p.author,
        commentary: p.commentary,
        visibility: p.visibility,
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: p.disable_reshare,
      };
      const c = await content(p, input, progress);
      if (c) body.content = c;
      progress.sending = { since: clock.now() };
      await input.checkpoint(progress);
      const urn = await input.withToken((t) => client.createPost(t, versionOf(p), body));
      return { externalId: urn, url: postUrl(urn) };
    },

    async findPublished({ payload, since, exclude, withToken, progress }) {
      const p = payload as LinkedInPayload;
      const known = readProgress(progress);
      return search(p, withToken, Math.min(since, known.sending?.since ?? since), known, exclude);
    },

    async remove({ externalId, withToken }) {
      try {
        await withToken((t) => client.deletePost(t, DEFAULT_LINKEDIN_VERSION, externalId));
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'not_found') return; // already gone
        throw err;
      }
    },
  };
}
