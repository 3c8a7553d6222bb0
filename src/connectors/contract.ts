import type { TObject, TSchema } from '@sinclair/typebox';
import type { FieldIssue } from '../shared/index.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/index.js';
import type { OAuthFlow, Publisher } from './types.js';

/**
 * The one contract every platform folder fulfils. Everything outside `connectors/<platform>/`
 * (posts, scheduler, accounts, media, api, config) loops over the registry of these and never
 * names a platform.
 */

/** How a platform counts text: what planning measures and fits against. */
export interface TextRules {
  /** Longest text the platform takes, in its own unit. */
  max: number;
  /** Counts text the platform's way (code points, weighted twitter-text length, UTF-8 bytes…). */
  count(text: string): number;
  /** What the number means, for messages ("characters", "weighted characters"). */
  unit: string;
}

/** The facts of a platform, as data: what validation, adaptation, pacing and the docs read. */
export interface PlatformFacts {
  id: string;
  /** Human name ("Pinterest", "X"). */
  name: string;
  /** OAuth scopes Pinion asks for. */
  scopes: readonly string[];
  text: TextRules;
  /** How a post's link reaches the platform. */
  links: 'field' | 'in_text' | 'none';
  capabilities: {
    images: boolean;
    /** Most images in one post (1 where the platform has no multi-image post). */
    maxImages: number;
    video: boolean;
    carousel: boolean;
    threads: boolean;
    altText: boolean;
    /** Does a post need media at all (Instagram, TikTok, YouTube do). */
    mediaRequired: boolean;
    /** Named places inside an account a post goes to (Pinterest boards). */
    boards: boolean;
    /**
     * The platform downloads stored media from a URL Pinion serves (under its public URL): such
     * posts cannot work while Pinion's public URL is loopback or private.
     */
    fetchesMediaByUrl?: boolean;
  };
  /** The write budget per account, shared by all workers: calls spaced so no window holds more than `limit`. */
  writeBudget: { category: string; limit: number; windowSeconds: number; perDay: number };
  /** Where the production API lives. */
  defaults: { apiBaseUrl: string; authorizeUrl: string; timeoutMs: number };
  /**
   * How long after a write whose answer was lost the platform may still make the post appear
   * (slow commit, list lag). The outcome search keeps looking at least this long before Pinion
   * concludes nothing was made.
   */
  outcomeWindowSeconds: number;
  /**
   * Platforms that count an app's calls in units per day (a project's quota shared by every
   * account): the default allowance and each operation's cost, both configurable.
   */
  quota?: { unitsPerDay: number; costs: Record<string, number> };
}

/** Per-platform settings, the same shape for every platform (`platforms.<id>` in config). */
export interface PlatformConfig {
  clientId?: string;
  clientSecret?: string;
  apiBaseUrl: string;
  authorizeUrl: string;
  timeoutMs: number;
  writeBudget: { limit: number; windowSeconds: number; perDay: number };
  outcomeWindowSeconds: number;
  /** Present for platforms whose facts have a `quota`: the app's units per day and each operation's cost. */
  quota?: { unitsPerDay: number; costs: Record<string, number> };
}

/** What planning may know of a stored media item: type, size and the platform's checks of its bytes. */
export interface MediaInfo {
  id: string;
  kind: 'image' | 'video' | 'other';
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  durationMs: number | null;
}

/** The platform-neutral post, with the platform's own overrides already applied. */
export interface Draft {
  /** Text for this platform: `platform_options.<p>.content`, else the post's `content`. */
  content?: string;
  /** Where `content` came from, for messages (`content` or `platform_options.x.content`). */
  contentField: string;
  link?: string;
  linkField: string;
  mediaUrl?: string;
  mediaId?: string;
  /** The platform's options, checked against its options schema already. */
  options: Record<string, unknown>;
  /** Every adaptation must be refused instead (the post said `strict: true`). */
  strict: boolean;
  /** Applied to every link once chosen (UTM tagging). */
  tag(link: string): string;
  /** Stored media the post names, looked up once. */
  media(id: string): MediaInfo | undefined;
}

/** One connected account, as a platform's code needs it to plan, look up or write for it. */
export interface AccountContext {
  account: { id: string; username: string; externalId: string; accountType: string | null };
  /** Calls the platform with this account's valid token (refreshed as needed). */
  withToken<T>(call: (accessToken: string) => Promise<T>): Promise<T>;
  /**
   * The account's write budget, shared with publishing: `take` resolves when a write may be made
   * now (or throws a rate-limited ConnectorError when not soon); `hold` stops writes until `until`
   * after the platform answered 429.
   */
  writes: { take(): Promise<void>; hold(until: number): Promise<void> };
  db: Kysely<Database>;
  config: PlatformConfig;
}

/** A change Pinion made so the post fits the platform, reported as a warning (or an error with `strict`). */
export interface Adaptation extends FieldIssue {
  kind: 'text_fitted' | 'link_placed' | 'link_dropped' | 'media_dropped' | 'split_into_thread' | 'other';
}

export interface Plan {
  payload: unknown;
  errors: FieldIssue[];
  warnings: FieldIssue[];
  adaptations: Adaptation[];
}

/** Media rules: whether the platform takes these bytes as they are. */
export interface MediaRules {
  check(media: MediaInfo & { unreadable?: string }): { errors: FieldIssue[]; warnings: FieldIssue[] };
  /** Kinds of media the platform takes by URL (`media_url`); default images only: others must be uploaded to Pinion. */
  byUrl?: readonly ('image' | 'video')[];
  /** What an image is converted to for this platform (POST /media/:id/convert, workspace auto-convert). */
  convert?: { formats: readonly ('image/jpeg' | 'image/png')[]; width: number; height: number };
}

/** Named places inside an account (Pinterest boards and their sections). */
export interface BoardsCapability {
  /**
   * Which of the platform's options name the board and its section, so forms can offer pickers for
   * them; `byName` lists the options that name them by name instead, which a picker makes unneeded.
   */
  optionFields: { board: string; section?: string; byName?: readonly string[] };
  list(ctx: AccountContext, opts?: { refresh?: boolean }): Promise<{ boards: Board[]; fetchedAt: Date }>;
  resolve(ctx: AccountContext, idOrName: string): Promise<Board | undefined>;
  create(ctx: AccountContext, input: { name: string; description?: string; privacy?: string }): Promise<Board>;
  sections(ctx: AccountContext, boardId: string, opts?: { refresh?: boolean }): Promise<Section[]>;
  resolveSection(ctx: AccountContext, boardId: string, idOrName: string): Promise<Section | undefined>;
  createSection(ctx: AccountContext, boardId: string, name: string): Promise<Section>;
}
export interface Board {
  id: string;
  name: string;
  description: string | null;
  privacy: string | null;
  pinCount: number | null;
}
export interface Section {
  id: string;
  boardId: string;
  name: string;
}

/** The emulator of a platform, mounted by `pinion start` and served by `pinion sandbox`. */
export interface SandboxEntry {
  /** Loads the emulator's code only when a sandbox is wanted: production carries none. */
  load(): Promise<{ create(options: Record<string, unknown>): SandboxInstance }>;
  /** The app credentials the emulator accepts out of the box. */
  app: { clientId: string; clientSecret: string };
  /** Where the connector must point to use an emulator mounted at `baseUrl`. */
  configFor(baseUrl: string): Pick<PlatformConfig, 'apiBaseUrl' | 'authorizeUrl'>;
}
export interface SandboxInstance {
  plugin: import('fastify').FastifyPluginAsync;
  reset(): void;
  /**
   * The emulator's users, tokens and content as text, so a restart of `pinion start` keeps them. Media bytes
   * go to `blobs` (files beside the text), the text naming them.
   */
  snapshot?(blobs?: SandboxBlobs): string;
  /** Takes back what snapshot() gave, replacing the current state. */
  restore?(snapshot: string, blobs?: SandboxBlobs): void;
  /** Emulators whose mounts share one state give it one name: it is saved once, under that name. Default: the platform id. */
  stateName?: string;
}

/** Where a sandbox snapshot keeps media bytes: `write` answers a name that `read` takes back. */
export interface SandboxBlobs {
  write(bytes: Buffer): string;
  read(name: string): Buffer;
}

/** A destination page as link preflight read it: what a platform's rich preview is built from. */
export interface LinkPage {
  finalUrl: string;
  title: string | null;
  description: string | null;
  canonical: string | null;
  /** `og:*` meta tags, keyed without the prefix (`title`, `image`, `type`, `price:amount`…). */
  og: Record<string, string>;
  /** `twitter:*` card tags, keyed without the prefix. */
  card: Record<string, string>;
  /** schema.org items from JSON-LD and microdata, each flattened (`offers.price`, `author.name`). */
  structured: Array<{ type: string; source: 'json-ld' | 'microdata'; fields: Record<string, string> }>;
  headings: string[];
}

/** The rich preview a platform would build from a page (Pinterest's rich pins), and what the page lacks for it. */
export interface RichPreview {
  /** `product`, `recipe`, `article`, or null when the page would get none. */
  type: string | null;
  /** In the platform's words: "product rich pin". */
  label: string;
  missing: string[];
}

/** Optional: how a platform judges destination links (POST /links:check, posts:validate). */
export interface LinkRules {
  richPreview(page: LinkPage): RichPreview;
}

/** Optional: the lengths search-friendly titles and descriptions are written to (POST /pins:suggest). */
export interface SeoRules {
  titleMax: number;
  /** What feeds show before cutting; suggestions stay within it. */
  descriptionShown: number;
  descriptionMax: number;
  /** Shorter descriptions get a warning in posts:validate: too little for search to go on. */
  descriptionMin: number;
  /** Where in the platform's options a post's title and alt text are (for the keyword and alt-text warnings). */
  titleOption: string;
  /** The option with the platform's own description; the post's content otherwise. */
  descriptionOption?: string;
  altTextOption?: string;
}

/** Optional: reading a published post's metrics back (impressions, saves, clicks…). */
export interface AnalyticsCapability {
  /** Days after publishing at which the background pass reads the metrics. */
  checkpointDays: readonly number[];
  /** Metric reads per account are paced within this budget (its own rate category), so they never crowd out other calls. */
  readBudget: { category: string; limit: number; windowSeconds: number };
  /** Counts from publishing until `until` (epoch ms), by metric name. One read call. */
  read(ctx: AccountContext, externalId: string, range: { from: number; until: number }): Promise<Record<string, number>>;
}

/** Optional: what makes two posts the same to the platform's users (the same image and link on the same board). */
export interface DuplicateRule {
  /** Posts this close in time with the same key get a warning. */
  windowDays: number;
  /** The key of a planned payload, or undefined when it cannot be a duplicate (no link, no image). */
  key(payload: unknown): string | undefined;
  /** For the message: "the same image and link to the same board". */
  what: string;
}

export interface Connector {
  facts: PlatformFacts;
  /** TypeBox schema of `platform_options.<id>` (the common overrides content/link/media_url/media_id are added by posts/). */
  options: TObject;
  /** Environment variables of earlier versions still read: name → setting under `platforms.<id>`. */
  legacyEnv?: Record<string, string>;
  /** `platform_options.<id>` of the example post in the API document (a person can paste it). */
  exampleOptions?: Record<string, unknown>;
  /** CSV columns that land in this platform's options: column name → option name. */
  csvColumns?: Record<string, string>;
  oauth(config: PlatformConfig): OAuthFlow;
  /** Turns a draft into exactly what the platform will receive, with every problem and adaptation. */
  plan(draft: Draft, ctx: AccountContext): Promise<Plan>;
  /** Image URLs and media ids the post's options name (besides media_url/media_id), for checks and lookups. */
  mediaRefs?(options: Record<string, unknown>): { urls: Array<[field: string, url: string]>; ids: Array<[field: string, id: string]> };
  media: MediaRules;
  publisher(config: PlatformConfig): Publisher;
  boards?: BoardsCapability;
  /**
   * One post to several places of one account (boards and sections): the options of each place, in
   * publishing order, with the field that named it. Absent or one entry: one delivery per account.
   */
  destinations?(options: Record<string, unknown>): Array<{ options: Record<string, unknown>; field: string }>;
  linkRules?: LinkRules;
  seo?: SeoRules;
  analytics?: AnalyticsCapability;
  duplicates?: DuplicateRule;
  sandbox?: SandboxEntry;
}

export type { TSchema };
