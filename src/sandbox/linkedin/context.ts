import type { FastifyRequest } from 'fastify';
import type { HeldConnections } from '../common/index.js';
import type { FaultInjector } from './faults.js';
import type { SandboxState } from './state.js';

export interface ResolvedOptions {
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  /** Versions served; undefined: the last `versionLifetimeMonths` months up to the current one. */
  activeVersions?: string[];
  versionLifetimeMonths: number;
  requireRestliHeader: boolean;
  memberDailyLimit: number;
  appDailyLimit: number;
  commentaryMax: number;
  truncateUnescaped: boolean;
  imageProcessingMs: number;
  videoProcessingMs: number;
  videoPartBytes: number;
  /** A new post shows in GET /rest/posts?q=author only this long after it was made. */
  listLagMs: number;
  publicBaseUrl?: string;
}

/** Everything the route modules share; one per sandbox instance. */
export interface SandboxContext {
  state: SandboxState;
  options: ResolvedOptions;
  faults: FaultInjector;
  /** Connections held open by the "timeout" fault, released on close so tests do not leak handles. */
  held: HeldConnections;
  /** Where clients reach the sandbox root (no trailing slash), for upload URLs. */
  baseUrl(request: FastifyRequest): string;
}
