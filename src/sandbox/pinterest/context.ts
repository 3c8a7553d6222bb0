import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../shared/index.js';
import type { FaultInjector } from './faults.js';
import type { RateLimiter } from './rate-limit.js';
import type { SandboxState } from './state.js';

export interface ResolvedOptions {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  rateLimitHeaders: boolean;
  mediaProcessingMs: number;
  publicBaseUrl?: string;
  imageFetchTimeoutMs: number;
  imageFetchMaxBytes: number;
  /** The order lists of pins run in (the spec does not say; Pinion must not depend on it). */
  listOrder: 'newest-first' | 'oldest-first';
}

/** Everything the route modules share; one per sandbox instance. */
export interface SandboxContext {
  state: SandboxState;
  options: ResolvedOptions;
  faults: FaultInjector;
  /** Time of pin creation and of late commits; tests share a ManualClock with Pinion's scheduler. */
  clock: Clock;
  limiter: RateLimiter;
  /** Sockets held open by the "timeout" fault, destroyed on close so tests don't leak handles. */
  hungSockets: Set<Socket>;
  /** Where clients reach the sandbox root (no trailing slash), for upload_url and image URLs. */
  baseUrl(request: FastifyRequest): string;
}
