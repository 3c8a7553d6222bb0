import { systemClock, type Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import { GRAPH_VERSION, callGraph, pickMatch, sameText, urlOf, type GraphCall, type GraphHttpOptions } from '../meta-graph/index.js';
import type { Publisher } from '../types.js';
import type { FacebookPayload } from './plan.js';
import { FACEBOOK_FACTS } from './platform.js';

/** Photos of a multi-photo post already uploaded unpublished; the post itself is the one write that makes something. */
export interface FacebookProgress {
  photos?: string[];
}

interface FeedItem {
  id: string;
  message?: string;
  created_time?: string;
  permalink_url?: string;
  description?: string;
}

const postUrl = (id: string) => `https://www.facebook.com/${id}`;

/** Page posts: `/feed` (text, link, several photos), `/photos` (one photo), `/videos` (a video, fetched by Meta from a URL). */
export function facebookPublisher(http: GraphHttpOptions, opts: { clock?: Clock } = {}): Publisher {
  const clock = opts.clock ?? systemClock;
  const graph = <T>(token: string, call: Omit<GraphCall, 'token' | 'host'> & { host?: GraphCall['host'] }) =>
    callGraph<T>({ ...http, clock }, { host: 'graph.facebook.com', ...call, path: `/${GRAPH_VERSION}${call.path}`, token });

  return {
    platform: FACEBOOK_FACTS.id,
    rateCategory: FACEBOOK_FACTS.writeBudget.category,

    async publish(input) {
      const p = input.payload as FacebookPayload;
      const page = p.page.id;
      const { withToken } = input;
      if (p.kind === 'text' || p.kind === 'link') {
        const r = await withToken((t) =>
          graph<{ id: string }>(t, { method: 'POST', path: `/${page}/feed`, form: { message: p.message, link: p.link }, makes: true }),
        );
        return { externalId: r.id, url: postUrl(r.id) };
      }
      if (p.kind === 'photo') {
        const item = p.items[0]!;
        const url = await urlOf(item, input);
        const r = await withToken((t) =>
          graph<{ id: string; post_id?: string }>(t, {
            method: 'POST',
            path: `/${page}/photos`,
            form: { url, caption: p.message, alt_text_custom: item.alt_text },
            makes: true,
          }),
        );
        const id = r.post_id ?? r.id;
        return { externalId: id, url: postUrl(id) };
      }
      if (p.kind === 'video') {
        const fileUrl = await urlOf(p.items[0]!, input);
        const r = await withToken((t) =>
          graph<{ id: string }>(t, {
            method: 'POST',
            host: 'graph-video.facebook.com',
            path: `/${page}/videos`,
            form: { file_url: fileUrl, description: p.message, title: p.title },
            makes: true,
          }),
        );
        return { externalId: r.id, url: `https://www.facebook.com/${page}/videos/${r.id}` };
      }
      // Several photos: each uploaded unpublished (nothing shows yet), then one feed post attaching them.
      const photos = [...((input.progress as FacebookProgress | null)?.photos ?? [])];
      for (const item of p.items.slice(photos.length)) {
        const url = await urlOf(item, input);
        const r = await withToken((t) =>
          graph<{ id: string }>(t, { method: 'POST', path: `/${page}/photos`, form: { url, published: false, alt_text_custom: item.alt_text } }),
        );
        photos.push(r.id);
        await input.checkpoint({ photos } satisfies FacebookProgress);
      }
      const attached: Record<string, string> = Object.fromEntries(photos.map((id, i) => [`attached_media[${i}]`, JSON.stringify({ media_fbid: id })]));
      const r = await withToken((t) =>
        graph<{ id: string }>(t, { method: 'POST', path: `/${page}/feed`, form: { message: p.message, ...attached }, makes: true }),
      );
      return { externalId: r.id, url: postUrl(r.id) };
    },

    /** The Page's recent posts (or videos) since the attempt, matched by their text; the oldest wins, whatever the order. */
    async findPublished({ payload, since, exclude, withToken }) {
      const p = payload as FacebookPayload;
      const video = p.kind === 'video';
      const items = await withToken((t) =>
        graph<{ data: FeedItem[] }>(t, {
          method: 'GET',
          path: `/${p.page.id}/${video ? 'videos' : 'feed'}`,
          query: { fields: video ? 'id,description,created_time' : 'id,message,created_time,permalink_url', limit: 100 },
        }),
      );
      return pickMatch(items.data, {
        since,
        exclude,
        matches: (i) => sameText(video ? i.description : i.message, p.message),
        url: (i) => (video ? `https://www.facebook.com/${p.page.id}/videos/${i.id}` : (i.permalink_url ?? postUrl(i.id))),
      });
    },

    async remove({ externalId, withToken }) {
      try {
        await withToken((t) => graph(t, { method: 'DELETE', path: `/${externalId}` }));
      } catch (err) {
        if (err instanceof ConnectorError && err.kind === 'not_found') return;
        throw err;
      }
    },
  };
}
