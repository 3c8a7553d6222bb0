import type { FastifyRequest } from 'fastify';
import type { FaultInjector, HeldConnections } from '../common/index.js';
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
}

/** Everything the route modules share; one per sandbox instance. */
export interface SandboxContext {
  state: SandboxState;
  options: ResolvedOptions;
  faults: FaultInjector;
  limiter: RateLimiter;
  /** Sockets held open by the "timeout" fault. */
  held: HeldConnections;
  /** Where clients reach the sandbox root (no trailing slash), for upload_url and image URLs. */
  baseUrl(request: FastifyRequest): string;
}
