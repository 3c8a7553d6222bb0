import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../shared/index.js';
import type { FaultInjector, HeldConnections } from '../common/index.js';
import type { RateLimiter, RateLimitHeaderStyle } from './rate-limit.js';
import type { SandboxState } from './state.js';
import type { ViewTarget } from './views.js';

export interface ResolvedOptions {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  rateLimitHeaders: RateLimitHeaderStyle | false;
  timestamps: 'zoneless' | 'utc-z';
  scopeSeparator: ' ' | ',';
  tokenErrors: 'pinterest' | 'rfc6749';
  invalidClientCode: number;
  imageFetchFailure: 'could-not-fetch' | 'broken';
  listLagMs: number;
  boardOrder: 'by-name' | 'oldest-first';
  mediaProcessingMs: number;
  publicBaseUrl?: string;
  imageFetchTimeoutMs: number;
  imageFetchMaxBytes: number;
  /** The order lists of pins run in (the spec does not say; Pinion must not depend on it). */
  listOrder: 'newest-first' | 'oldest-first';
  /** Hosts whose images are fetched even at a private address; read at each fetch. */
  fetchAllowHosts: () => readonly string[];
}

/** Everything the route modules share; one per sandbox instance. */
export interface SandboxContext {
  state: SandboxState;
  options: ResolvedOptions;
  faults: FaultInjector;
  /** Time of pin creation and of late commits; tests share a ManualClock with Pinion's scheduler. */
  clock: Clock;
  limiter: RateLimiter;
  /** Sockets held open by the "timeout" fault. */
  held: HeldConnections;
  /** Where clients reach the sandbox root (no trailing slash), for upload_url and image URLs. */
  baseUrl(request: FastifyRequest): string;
  /** The base URL and time format responses are written with. */
  view(request: FastifyRequest): ViewTarget;
}
