import type { Connector, PlatformConfig } from '../contract.js';
import { PlatformNotConfigured } from '../errors.js';
import { BoardDirectory } from './boards.js';
import { PinterestClient } from './client.js';
import { pinterestMedia } from './media-rules.js';
import { PinterestOptionsSchema, type PinterestOptions } from './options.js';
import { planPin } from './plan.js';
import { PINTEREST } from './platform.js';
import { pinterestPublisher } from './publish.js';
import { pinterestLength } from './adapt.js';
import { pinterestLinkRules } from './rich-pins.js';
import { pinterestAnalytics } from './analytics.js';

function client(config: PlatformConfig): PinterestClient {
  if (!config.clientId || !config.clientSecret) {
    throw new PlatformNotConfigured('Pinterest is not configured: set PINION_PINTEREST_CLIENT_ID and PINION_PINTEREST_CLIENT_SECRET (or run with the sandbox)');
  }
  return new PinterestClient({
    apiBaseUrl: config.apiBaseUrl,
    authorizeUrl: config.authorizeUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    timeoutMs: config.timeoutMs,
  });
}

const boards = new BoardDirectory((ctx) => client(ctx.config));
const P = PINTEREST;

/** Pinterest (API v5), the deepest connector: boards and sections, image, carousel and video pins. */
export const pinterest: Connector = {
  facts: {
    id: P.id,
    name: P.name,
    scopes: P.scopes,
    text: { max: P.limits.description, count: pinterestLength, unit: 'characters' },
    links: 'field',
    capabilities: {
      images: true,
      maxImages: P.limits.carouselMax,
      video: true,
      carousel: true,
      threads: false,
      altText: true,
      mediaRequired: true,
      boards: true,
    },
    writeBudget: { category: P.writeCategory, ...P.defaults.writeBudget },
    defaults: { apiBaseUrl: P.defaults.apiBaseUrl, authorizeUrl: P.defaults.authorizeUrl, timeoutMs: P.defaults.timeoutMs },
    outcomeWindowSeconds: P.defaults.outcomeWindowSeconds,
  },
  options: PinterestOptionsSchema,
  exampleOptions: { board: 'Products', title: 'Indigo linen apron', alt_text: 'A blue apron on a hook' },
  legacyEnv: {
    PINTEREST_CLIENT_ID: 'clientId',
    PINTEREST_CLIENT_SECRET: 'clientSecret',
    PINTEREST_API_BASE_URL: 'apiBaseUrl',
    PINTEREST_AUTHORIZE_URL: 'authorizeUrl',
    PINTEREST_WRITE_BUDGET_PER_MINUTE: 'writeBudget.limit',
    PINTEREST_WRITE_BUDGET_PER_DAY: 'writeBudget.perDay',
  },
  csvColumns: {
    board: 'board',
    board_id: 'board_id',
    board_section: 'board_section',
    board_section_id: 'board_section_id',
    title: 'title',
    description: 'description',
    alt_text: 'alt_text',
    dominant_color: 'dominant_color',
    pinterest_link: 'link',
  },
  oauth: client,
  plan: (draft, ctx) => planPin(boards, draft, ctx),
  mediaRefs(options) {
    const o = options as PinterestOptions;
    const at = 'platform_options.pinterest';
    const urls: Array<[string, string]> = [];
    const ids: Array<[string, string]> = [];
    if (o.cover_image_url) urls.push([`${at}.cover_image_url`, o.cover_image_url]);
    if (o.cover_media_id) ids.push([`${at}.cover_media_id`, o.cover_media_id]);
    for (const [i, item] of (o.carousel ?? []).entries()) {
      if (item.media_url) urls.push([`${at}.carousel.${i}.media_url`, item.media_url]);
      if (item.media_id) ids.push([`${at}.carousel.${i}.media_id`, item.media_id]);
    }
    return { urls, ids };
  },
  media: pinterestMedia,
  publisher: (config) => pinterestPublisher(client(config)),
  boards,
  destinations(options) {
    const { boards: places, ...rest } = options as PinterestOptions;
    if (!places || rest.board || rest.board_id || rest.board_section || rest.board_section_id) return [];
    return places.map((place, i) => ({ options: { ...rest, ...place }, field: `platform_options.pinterest.boards.${i}` }));
  },
  linkRules: pinterestLinkRules,
  seo: {
    titleMax: P.limits.title,
    descriptionShown: P.limits.descriptionAdvised,
    descriptionMax: P.limits.description,
    descriptionMin: 100,
    titleOption: 'title',
    descriptionOption: 'description',
    altTextOption: 'alt_text',
  },
  analytics: pinterestAnalytics(client),
  // Pinterest treats the same image and link pinned again and again as spam; a week or two apart is the usual advice.
  duplicates: {
    windowDays: 14,
    what: 'the same image and link to the same board',
    key(payload) {
      const pin = payload as { board_id?: string; link?: string; media_source?: { url?: string; media_id?: string; items?: Array<{ url?: string }> } };
      const image = pin.media_source?.url ?? pin.media_source?.media_id ?? pin.media_source?.items?.map((i) => i.url).join(' ');
      return pin.board_id && pin.link && image ? JSON.stringify([pin.board_id, image, pin.link]) : undefined;
    },
  },
  sandbox: {
    load: async () => {
      const { createPinterestSandbox } = await import('../../sandbox/pinterest/index.js');
      return { create: (options) => createPinterestSandbox({ apps: [{ clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' }], ...options }) };
    },
    app: { clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' },
    configFor: (baseUrl) => ({ apiBaseUrl: baseUrl, authorizeUrl: `${baseUrl}/oauth/` }),
  },
};
