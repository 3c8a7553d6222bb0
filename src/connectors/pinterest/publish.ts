import type { Publisher, Published } from '../types.js';
import type { PinCreate } from './adapt.js';
import type { PinterestClient, PinterestPin } from './client.js';
import { resolveMediaRefs } from './media-refs.js';
import { PINTEREST } from './platform.js';
import { parsePinterestTime } from './time.js';
import { uploadVideo, type VideoUploadOptions } from './video.js';

/** Clocks of Pinion and Pinterest may differ; pins this much older than the attempt still count. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** How far back in a board to look for a pin an unconfirmed attempt may have made. */
const SCAN_PAGES = 3;

const pinUrl = (id: string) => `https://www.pinterest.com/pin/${id}/`;
const same = (a: string | null | undefined, b: string | null | undefined) => (a ?? '') === (b ?? '');

/** Does this pin carry exactly what we sent? Pinterest has no client reference field, so content is the key. */
function matches(pin: PinterestPin, sent: PinCreate): boolean {
  const carousel = sent.media_source.source_type === 'multiple_image_urls';
  return (
    same(pin.board_section_id, sent.board_section_id) &&
    same(pin.title, sent.title) &&
    same(pin.description, sent.description) &&
    same(pin.link, sent.link) &&
    same(pin.alt_text, sent.alt_text) &&
    (pin.creative_type == null || (pin.creative_type === 'CAROUSEL') === carousel)
  );
}

/** Pinterest's publish flow as plain steps: create the pin; after an unknown outcome, look for it first. */
export function pinterestPublisher(client: PinterestClient, videoOptions: VideoUploadOptions = {}): Publisher {
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

    async findPublished({ payload, since, exclude, withToken }) {
      const sent = payload as PinCreate;
      return withToken(async (token) => {
        let bookmark: string | undefined;
        for (let page = 0; page < SCAN_PAGES; page++) {
          const res = await client.listBoardPins(token, sent.board_id, { bookmark });
          for (const pin of res.items) {
            const created = parsePinterestTime(pin.created_at);
            if (created < since - CLOCK_SKEW_MS) return null; // newest first: nothing older can be ours
            if (!exclude.has(pin.id) && matches(pin, sent)) return { externalId: pin.id, url: pinUrl(pin.id) } satisfies Published;
          }
          bookmark = res.bookmark ?? undefined;
          if (!bookmark) break;
        }
        return null;
      });
    },
  };
}
