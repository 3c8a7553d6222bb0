import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import {
  GRAPH_VERSION,
  bytesOf,
  callGraph,
  checkQuota,
  graphTime,
  pickMatch,
  publishContainer,
  publishedFrom,
  refId,
  sameText,
  urlOf,
  type ContainerCalls,
  type ContainerProgress,
  type ContainerStatus,
  type GraphCall,
  type GraphHttpOptions,
  type GraphMedia,
  type PollOptions,
  type PublishingLimit,
} from '../meta-graph/index.js';
import type { PublishInput, Publisher, WithToken } from '../types.js';
import type { InstagramPayload } from './plan.js';
import { fitAspect } from './fit.js';
import { IG_LIMITS, INSTAGRAM_FACTS } from './platform.js';

/** What a delivery to Instagram saves as it goes: carousel items made, the container, then the media and its comment. */
export interface InstagramProgress extends ContainerProgress {
  children?: string[];
  mediaId?: string;
  commented?: boolean;
}

interface IgMedia {
  id: string;
  caption?: string;
  timestamp?: string;
  media_product_type?: string;
  permalink?: string;
}

export interface InstagramPublisherOptions {
  clock?: Clock;
  poll?: Omit<PollOptions, 'clock'>;
}

const NAME = INSTAGRAM_FACTS.name;

/** Instagram's publish flow: quota → (items →) container → processed → media_publish → first comment → permalink. */
export function instagramPublisher(http: GraphHttpOptions, opts: InstagramPublisherOptions = {}): Publisher {
  const clock = opts.clock ?? systemClock;
  const graph = <T>(p: InstagramPayload, token: string, call: Omit<GraphCall, 'host' | 'token'>) =>
    callGraph<T>(
      { ...http, clock },
      { ...call, path: `/${GRAPH_VERSION}${call.path}`, host: p.via === 'facebook' ? 'graph.facebook.com' : 'graph.instagram.com', token },
    );

  const recent = (p: InstagramPayload, token: string) =>
    graph<{ data: IgMedia[] }>(p, token, {
      method: 'GET',
      path: `/${p.user.id}/media`,
      query: { fields: 'id,caption,timestamp,media_product_type,permalink', limit: 100 },
    }).then((r) => r.data);

  /** Where Meta fetches an image from: its own URL, or (with `fit`, when it is outside the ratios) a link to the fitted copy. */
  async function imageUrl(p: InstagramPayload, input: PublishInput, item: GraphMedia): Promise<string> {
    if (!p.fit) return urlOf(item, input);
    const fitted = await fitAspect((await bytesOf(item, input)).bytes, p.fit);
    if (!fitted) return urlOf(item, input);
    if (!input.publicUrlOfBytes)
      throw new ConnectorError('rejected', 'This Pinion cannot hand out links to fitted images; convert the image for Instagram first');
    return input.publicUrlOfBytes(fitted, 'image/jpeg');
  }

  /** One container: a URL for Meta to fetch, or (a stored video) a resumable upload of its bytes. */
  async function container(
    p: InstagramPayload,
    input: PublishInput,
    item: GraphMedia,
    params: Record<string, string | boolean | number | undefined>,
  ): Promise<string> {
    const video = item.kind === 'video';
    const upload = video && refId(item.source) !== undefined;
    const made = await input.withToken(async (t) =>
      graph<{ id: string; uri?: string }>(p, t, {
        method: 'POST',
        path: `/${p.user.id}/media`,
        form: {
          ...params,
          ...(upload ? { upload_type: 'resumable' } : video ? { video_url: await urlOf(item, input) } : { image_url: await imageUrl(p, input, item) }),
          ...(item.alt_text && { alt_text: item.alt_text }),
        },
      }),
    );
    if (upload) {
      const { bytes } = await bytesOf(item, input);
      await input.withToken((t) =>
        callGraph(
          { ...http, clock },
          {
            method: 'POST',
            host: 'rupload.facebook.com',
            path: `/ig-api-upload/${GRAPH_VERSION}/${made.id}`,
            token: t,
            authScheme: 'OAuth',
            headers: { offset: '0', file_size: String(bytes.length), 'content-type': 'application/octet-stream' },
            body: bytes,
          },
        ),
      );
    }
    return made.id;
  }

  function calls(
    p: InstagramPayload,
    input: PublishInput,
    progress: InstagramProgress,
    save: (next: InstagramProgress) => Promise<void>,
    exclude: ReadonlySet<string> = new Set(),
  ): ContainerCalls {
    return {
      platform: NAME,
      clock,
      poll: opts.poll,
      create: async () => {
        if (p.kind !== 'carousel') {
          const item = p.items[0]!;
          const type = p.kind === 'story' ? 'STORIES' : p.kind === 'reels' ? 'REELS' : undefined;
          return container(p, input, item, {
            media_type: type,
            caption: p.caption,
            share_to_feed: p.share_to_feed,
            cover_url: p.cover_url,
            thumb_offset: p.thumb_offset,
          });
        }
        const children = [...(progress.children ?? [])];
        for (const item of p.items.slice(children.length)) {
          children.push(await container(p, input, item, { is_carousel_item: true, ...(item.kind === 'video' && { media_type: 'VIDEO' }) }));
          await save({ children });
        }
        return input
          .withToken((t) =>
            graph<{ id: string }>(p, t, {
              method: 'POST',
              path: `/${p.user.id}/media`,
              form: { media_type: 'CAROUSEL', children: children.join(','), caption: p.caption },
            }),
          )
          .then((r) => r.id);
      },
      status: (id) => input.withToken((t) => graph<ContainerStatus>(p, t, { method: 'GET', path: `/${id}`, query: { fields: 'id,status_code,status' } })),
      publish: (id) =>
        input
          .withToken((t) => graph<{ id: string }>(p, t, { method: 'POST', path: `/${p.user.id}/media_publish`, form: { creation_id: id }, makes: true }))
          .then((r) => r.id),
      find: (since) => input.withToken(async (t) => findMedia(await recent(p, t), p, since, exclude)?.externalId),
    };
  }

  async function quota(p: InstagramPayload, withToken: WithToken): Promise<void> {
    await withToken(async (t) => {
      const limit = await graph<PublishingLimit>(p, t, {
        method: 'GET',
        path: `/${p.user.id}/content_publishing_limit`,
        query: { fields: 'quota_usage,config' },
      });
      const full = (limit.data?.[0]?.quota_usage ?? 0) >= (limit.data?.[0]?.config?.quota_total ?? IG_LIMITS.quota);
      const times = full ? (await recent(p, t)).map((m) => graphTime(m.timestamp)).filter((n) => !Number.isNaN(n)) : [];
      checkQuota(NAME, limit, { now: clock.now(), recent: times, fallbackTotal: IG_LIMITS.quota });
    });
  }

  /** The link as the first comment, once; a comment an earlier attempt may have posted is looked for first. */
  async function comment(p: InstagramPayload, input: PublishInput, mediaId: string): Promise<void> {
    const text = p.first_comment!;
    await input
      .withToken(async (t) => {
        const existing = await graph<{ data: Array<{ text?: string }> }>(p, t, { method: 'GET', path: `/${mediaId}/comments`, query: { fields: 'id,text' } });
        if (existing.data.some((c) => c.text === text)) return;
        await graph(p, t, { method: 'POST', path: `/${mediaId}/comments`, form: { message: text } });
      })
      .catch((err: unknown) => {
        // The post is out; a comment Meta refuses outright must not turn it into a failed delivery.
        if (err instanceof ConnectorError && err.kind === 'rejected') return;
        throw err;
      });
  }

  const permalink = (p: InstagramPayload, withToken: WithToken, id: string) =>
    withToken((t) => graph<{ permalink?: string }>(p, t, { method: 'GET', path: `/${id}`, query: { fields: 'permalink' } })).then(
      (m) => m.permalink ?? `https://www.instagram.com/${p.user.username}/`,
    );

  return {
    platform: INSTAGRAM_FACTS.id,
    rateCategory: INSTAGRAM_FACTS.writeBudget.category,

    async publish(input) {
      const p = input.payload as InstagramPayload;
      const progress = { ...((input.progress as InstagramProgress | null) ?? {}) };
      const save = async (next: InstagramProgress) => {
        Object.assign(progress, next);
        await input.checkpoint(progress);
      };
      if (!progress.mediaId) {
        if (!progress.container) await quota(p, input.withToken);
        const mediaId = await publishContainer(calls(p, input, progress, save), progress, save);
        await save({ mediaId });
      }
      if (p.first_comment && !progress.commented) {
        await comment(p, input, progress.mediaId!);
        await save({ commented: true });
      }
      return { externalId: progress.mediaId!, url: await permalink(p, input.withToken, progress.mediaId!) };
    },

    /**
     * The saved container tells: PUBLISHED means the lost publish happened (the media is looked up
     * among the account's recent media by caption, kind and time); anything else means it did not.
     * A media out whose first comment is still owed returns null, so the next attempt posts it.
     */
    async findPublished({ payload, since, exclude, withToken, progress }) {
      const p = payload as InstagramPayload;
      const saved = (progress as InstagramProgress | null) ?? {};
      if (saved.mediaId) return p.first_comment && !saved.commented ? null : { externalId: saved.mediaId, url: await permalink(p, withToken, saved.mediaId) };
      const input = { payload, withToken } as PublishInput;
      const id = await publishedFrom(
        calls(p, input, saved, async () => {}, exclude),
        saved,
      );
      // Published with its first comment still owed: the next attempt adopts the media and comments.
      if (!id || p.first_comment) return null;
      return { externalId: id, url: await permalink(p, withToken, id) };
    },
  };
}

/** The media this payload became among `items`: its caption, kind, and made since the attempt; oldest first. */
function findMedia(items: IgMedia[], p: InstagramPayload, since: number, exclude: ReadonlySet<string>) {
  const product = p.kind === 'reels' ? 'REELS' : p.kind === 'story' ? 'STORY' : 'FEED';
  return pickMatch(items, {
    since,
    exclude,
    matches: (m) => sameText(m.caption, p.caption) && (m.media_product_type === undefined || m.media_product_type === product),
    url: (m) => m.permalink ?? `https://www.instagram.com/${p.user.username}/`,
  });
}
