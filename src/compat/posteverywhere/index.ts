import type { FastifyError, FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/index.js';
import { accountRoutes } from './accounts.js';
import { aiRoutes } from './ai.js';
import { campaignRoutes } from './campaigns.js';
import { analyticsRoutes } from './analytics.js';
import type { PeDeps } from './context.js';
import { PeError } from './errors.js';
import { CompatIds } from './ids.js';
import { mediaRoutes } from './media.js';
import { meRoutes } from './me.js';
import { postRoutes } from './posts.js';
import { sendPeError } from './reply.js';
import { webhookRoutes } from './webhooks.js';

/** Where the compatibility API is mounted; its routes mirror PostEverywhere's paths below it (`/api/v1/...`). */
export const POSTEVERYWHERE_PREFIX = '/compat/posteverywhere';

/**
 * PostEverywhere's wire format over Pinion's own API: its paths, field names, `{ data }` envelope,
 * errors, status codes and integer account ids, each request translated and carried out by the
 * native route (same key, scopes, validation, rate limit). Nothing here publishes, stores or checks
 * a post by itself.
 */
export async function posteverywhereRoutes(
  scope: FastifyInstance,
  opts: { app: FastifyInstance; db: Kysely<Database>; webhookTestWaitMs?: number },
): Promise<void> {
  const deps: PeDeps = { app: opts.app, ids: new CompatIds(opts.db), webhookTestWaitMs: opts.webhookTestWaitMs ?? 10_000 };
  scope.setErrorHandler((error: FastifyError | PeError, request, reply) => {
    if (error instanceof PeError) return sendPeError(reply, error);
    const status = (error as FastifyError).statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'compat request failed');
      return sendPeError(
        reply,
        new PeError(500, 'internal_error', 'Something went wrong on the server; the error is logged with the request id', { retryable: true }),
      );
    }
    return sendPeError(reply, new PeError(status === 422 ? 400 : status, status === 413 ? 'payload_too_large' : 'validation_error', error.message));
  });
  scope.setNotFoundHandler((request, reply) =>
    sendPeError(reply, new PeError(404, 'not_found', `No route ${request.method} ${request.url.split('?')[0]} in Pinion's PostEverywhere compatibility API`)),
  );
  await scope.register(
    async (v1) => {
      for (const routes of [accountRoutes, postRoutes, campaignRoutes, mediaRoutes, meRoutes, analyticsRoutes, webhookRoutes, aiRoutes]) await routes(v1, deps);
    },
    { prefix: '/api/v1' },
  );
}
