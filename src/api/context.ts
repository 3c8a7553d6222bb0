import type { Accounts } from '../accounts/index.js';
import type { Config } from '../config/index.js';
import type { MediaLibrary } from '../media/index.js';
import type { PostDeps } from '../posts/index.js';
import type { Store } from '../store/index.js';
import type { LinkChecker, LlmSettings } from '../links/index.js';
import type { Caller, ApiScope } from '../workspaces/index.js';

/** What every route needs, built once at start and passed down instead of imported globals. */
export interface ApiContext {
  config: Config;
  store: Store;
  /** Base URL this server is reached at, for links it hands out. */
  publicUrl: string;
  accounts: Accounts;
  /** Stored images and videos of every workspace. */
  media: MediaLibrary;
  /** What making and changing posts needs (the same for every route that does). */
  posts: PostDeps;
  /** Link preflight, cached per URL. */
  links: LinkChecker;
  /** The optional model that improves suggestions. */
  llm: LlmSettings;
  /** Called after posts are created or changed, so an in-process worker can look at once. */
  onDeliveriesChanged?: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
  interface FastifyContextConfig {
    /** The API-key scope a /api/v1 route requires. */
    scope?: ApiScope;
  }
}
