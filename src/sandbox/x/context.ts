import type { FaultInjector, HeldConnections } from '../common/index.js';
import type { Clock } from '../../shared/clock.js';
import type { RateLimiter } from './rate-limit.js';
import type { XState } from './state.js';

export interface ResolvedOptions {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  rateLimitHeaders: boolean;
  rejectDuplicates: boolean;
  duplicateWindowSeconds: number;
  tooLongStatus: 400 | 403;
  oauthGrantError: 'invalid_request' | 'invalid_grant';
  mediaProcessingMs: number;
  mediaExpiresAfterSeconds: number;
  showTextAsX: boolean;
  editHistoryFields: Array<'edit_history_tweet_ids' | 'edit_history_post_ids'>;
}

/** Everything the route modules share; one per sandbox instance. */
export interface XContext {
  state: XState;
  options: ResolvedOptions;
  clock: Clock;
  faults: FaultInjector;
  limiter: RateLimiter;
  held: HeldConnections;
}
