import type { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
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
  /** Hosts whose images are fetched even at a private address; read at each fetch. */
  imageFetchAllowHosts: () => readonly string[];
}

/** Everything the route modules share; one per sandbox instance. */
export interface SandboxContext {
  state: SandboxState;
  options: ResolvedOptions;
  faults: FaultInjector;
  limiter: RateLimiter;
  /** Sockets held open by the "timeout" fault, destroyed on close so tests don't leak handles. */
  hungSockets: Set<Socket>;
  /** Where clients reach the sandbox root (no trailing slash), for upload_url and image URLs. */
  baseUrl(request: FastifyRequest): string;
}
