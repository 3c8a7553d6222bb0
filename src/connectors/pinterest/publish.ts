import { ConnectorError, isConnectorError } from '../errors.js';
import type { FoundPublished, Publisher, Published } from '../types.js';
import type { PinCreate } from './adapt.js';
import type { PinterestClient, PinterestPin } from './client.js';
import { resolveMediaRefs } from './media-refs.js';
import { PINTEREST } from './platform.js';
import { parsePinterestTime } from './time.js';
import { uploadVideo, type VideoUploadOptions } from './video.js';

/** Clocks of Pinion and Pinterest may differ; pins this much older than the attempt still count. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Pages of a board read at most when looking for an unconfirmed attempt's pin (250 pins each). */
const PAGE_BUDGET = 20;

/** How the search after an unknown outcome reads a board; tests shrink both. */
export interface SearchOptions {
  pageBudget?: number;
  pageSize?: number;
}

const pinUrl = (id: string) => `https://www.pinterest.com/pin/${id}/`;
const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '') === (b ?? '');

/** What kind of media a pin shows, in terms both what was sent and what Pinterest lists can say. */
function sentKind(sent: PinCreate): 'image' | 'carousel' | 'video' {
  const type = sent.media_source.source_type;
  if (type === 'video_id') return 'video';
  return type.startsWith('multiple_') ? 'carousel' : 'image';
}
function pinKind(pin: PinterestPin): 'image' | 'carousel' | 'video' | null {
  if (pin.creative_type == null) return null;
  if (pin.creative_type === 'CAROUSEL') return 'carousel';
  return /VIDEO/.test(pin.creative_type) ? 'video' : 'image';
}

/** Does this pin carry exactly what we sent? Pinterest has no client reference field, so content is the key. */
function matches(pin: PinterestPin, sent: PinCreate): boolean {
  const kind = pinKind(pin);
  return (
    (pin.board_id == null || pin.board_id === sent.board_id) &&
    same(pin.board_section_id, sent.board_section_id) &&
    same(pin.title, sent.title) &&
    same(pin.description, sent.description) &&
    same(pin.link, sent.link) &&
    same(pin.alt_text, sent.alt_text) &&
    (kind === null || kind === sentKind(sent))
  );
}

/** Pinterest's publish flow as plain steps: create the pin; after an unknown outcome, look for it first. */
export function pinterestPublisher(client: PinterestClient, videoOptions: VideoUploadOptions = {}, search: SearchOptions = {}): Publisher {
  const pageBudget = search.pageBudget ?? PAGE_BUDGET;
  const pageSize = search.pageSize ?? PINTEREST.limits.pageSizeMax;
  return {
    platform: 'pinterest',
    rateCategory: PINTEREST.writeCategory,

    async publish({ payload, withToken, readMedia }) {
      const ready = await resolveMediaRefs(payload as Record<string, unknown>, {
        read: readMedia,
        uploadVideo: (video) => uploadVideo(client, withToken, video.bytes, video.mime, videoOptions),
      });
      const pin = await withToken((t) => client.createPin(t, ready as unknown as PinCreate));
      return { externalId: pin.id, url: pinUrl(pin.id) };
    },

    /**
     * Reads the board's pins until every pin made since `since` has been seen, whatever order
     * Pinterest lists them in: to the end of the list, or, while the list has shown itself newest
     * first (times seen to fall and never to rise), to the end of the first page that reaches
     * before the window. Past the page budget it throws rather than answer "not found" without having looked.
     */
    async findPublished({ payload, since, exclude, withToken }) {
      const sent = payload as PinCreate;
      const from = since - CLOCK_SKEW_MS;
      return withToken(async (token) => {
        const found: Array<{ pin: PinterestPin; at: number }> = [];
        let bookmark: string | undefined;
        // Newest first only once the times have been seen to fall, and never to rise.
        let newestFirst = true;
        let fell = false;
        let oldest = Number.POSITIVE_INFINITY;
        let previous = Number.POSITIVE_INFINITY;
        let read = 0;
        for (let page = 0; ; page++) {
          if (page >= pageBudget) {
            throw new ConnectorError(
              'retryable',
              `Looked through ${pageBudget} pages (${read} pins) of board ${sent.board_id} without reaching every pin since ${new Date(from).toISOString()}; the page budget is spent, so whether the unanswered attempt made a pin is still unknown`,
            );
          }
          const res = await client.listBoardPins(token, sent.board_id, { bookmark, pageSize });
          for (const pin of res.items) {
            read++;
            const at = parsePinterestTime(pin.created_at);
            // A pin without a readable time could be ours, and leaves the order unknown: read on to the end.
            if (!(at <= previous)) newestFirst = false;
            if (at < previous) fell = true;
            if (!Number.isNaN(at)) previous = at;
            oldest = Math.min(oldest, at);
            if (!(at < from) && !exclude.has(pin.id) && matches(pin, sent)) found.push({ pin, at });
          }
          bookmark = res.bookmark ?? undefined;
          // Listed newest first and already past the window's start: every pin after this is older still.
          const covered = newestFirst && fell && oldest < from;
          if (covered || !bookmark) break;
        }
        if (!found.length) return null;
        // The oldest is the one to keep (it is the one people may have seen first); the rest are duplicates.
        found.sort((a, b) => (Number.isNaN(a.at) ? 1 : Number.isNaN(b.at) ? -1 : a.at - b.at));
        const [keep, ...rest] = found.map(({ pin }): Published => ({ externalId: pin.id, url: pinUrl(pin.id) }));
        return { ...keep!, ...(rest.length && { duplicates: rest }) } satisfies FoundPublished;
      });
    },

    async remove({ externalId, withToken }) {
      try {
        await withToken((t) => client.deletePin(t, externalId));
      } catch (err) {
        // Already gone is what was wanted.
        if (isConnectorError(err) && err.kind === 'not_found') return;
        throw err;
      }
    },
  };
}
