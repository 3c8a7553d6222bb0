import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { LevelWithSilent } from 'pino';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/index.js';
import type { Clock } from '../shared/index.js';
import { createMetrics, instrumentHttp } from '../observability/index.js';
import { requireApiKey } from './auth.js';
import { limitPerApiKey } from './rate-limit.js';
import type { ApiContext } from './context.js';
import { ProblemSchema, installProblemHandlers } from './problem.js';
import { completeDocument, isCompatRoute, isSandboxRoute } from './openapi.js';
import { requestValidators } from './validation.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { workspaceRoutes } from './routes/workspace.js';
import { accountRoutes } from './routes/accounts.js';
import { boardRoutes } from './routes/boards.js';
import { postRoutes } from './routes/posts.js';
import { bulkPostRoutes } from './routes/posts-bulk.js';
import { oauthCallbackRoutes } from './routes/oauth-callback.js';
import { webhookRoutes } from './routes/webhooks.js';
import { mediaRoutes, mediaUploadRoutes } from './routes/media.js';
import { platformRoutes } from './routes/platforms.js';
import { sessionRoutes } from './routes/session.js';
import { Sessions } from './session.js';
import { webRoutes } from '../web/index.js';
import { POSTEVERYWHERE_PREFIX, posteverywhereRoutes } from '../compat/index.js';
import { linkRoutes } from './routes/links.js';
import { slotRoutes } from './routes/slots.js';
import { analyticsRoutes } from './routes/analytics.js';
import { seasonRoutes } from './routes/seasons.js';
import { meRoutes } from './routes/me.js';
import { accountHealthRoutes } from './routes/account-health.js';
import { postActionRoutes } from './routes/post-actions.js';
import { campaignRoutes } from './routes/campaigns.js';

export interface BuildServerOptions {
  logger: Logger;
  /** The Prometheus registry /metrics serves; shared with an in-process worker. */
  metrics?: Registry;
  /** Extra plugins mounted beside the API, such as the sandbox emulators at their prefixes. */
  mounts?: Array<{ prefix: string; plugin: FastifyPluginAsync; logLevel?: LevelWithSilent }>;
  /** Time as dashboard sessions see it (their expiry); default the system clock. */
  clock?: Clock;
}

/** A route group of /api/v1: registered by each capability (posts, accounts, …). */
export type ApiRoutes = (app: FastifyInstance, ctx: ApiContext) => Promise<void>;

const API_ROUTES: ApiRoutes[] = [
  workspaceRoutes,
  platformRoutes,
  keyRoutes,
  accountRoutes,
  boardRoutes,
  postRoutes,
  bulkPostRoutes,
  postActionRoutes,
  campaignRoutes,
  webhookRoutes,
  mediaRoutes,
  linkRoutes,
  slotRoutes,
  analyticsRoutes,
  seasonRoutes,
  meRoutes,
  accountHealthRoutes,
];

/**
 * Fastify logs each request twice (received, then completed); one line when it is answered, with
 * the method and URL, says as much at half the cost. Errors are logged as before.
 *
 * The completed line holds only what the `req` and `res` serializers keep (method, URL with secret
 * query values censored, remote address, status) and the time: nothing the redaction paths could
 * find, and walking them (wildcards over every key) for each request was a tenth of the CPU of a
 * bare one. So it is written through a child logger without them, with the request id the
 * request's own logger would add. An errored request's line keeps them: an error may carry anything.
 */
class OneLinePerRequest extends LogController {
  private readonly plain = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();

  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) return void reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    // The request's logger knows its level (sandbox routes log at warn).
    if (!(reply.log as unknown as Logger).isLevelEnabled('info')) return;
    this.plainLog(request.server.log).info({ reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }

  private plainLog(root: FastifyBaseLogger): FastifyBaseLogger {
    let plain = this.plain.get(root);
    if (!plain) this.plain.set(root, (plain = root.child({}, { redact: { paths: [] } })));
    return plain;
  }
}

export async function buildServer(ctx: ApiContext, options: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: false,
    // Unique across processes, so a request id quoted from a problem finds one log line whichever server answered.
    genReqId: () => randomUUID(),
    // Bodies are validated without type coercion, query strings with it (src/api/validation.ts).
    schemaController: { compilersFactory: { buildValidator: requestValidators } },
    logController: new OneLinePerRequest(),
  }).withTypeProvider<TypeBoxTypeProvider>();

  installProblemHandlers(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addSchema(ProblemSchema);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Pinion API',
        version: '1',
        description:
          'Schedule posts to social platforms with one request. Authenticate with `Authorization: Bearer <API key>`. Errors are `application/problem+json`.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'A Pinion API key (pin_…)' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    // The emulators are not the product: they stay out of its document (and out of the SDKs made from it).
    transform: ({ schema, url }) => ({ schema: isSandboxRoute(url) || isCompatRoute(url) ? { ...schema, hide: true } : schema, url }),
    transformObject: (documents) => completeDocument((documents as { openapiObject: never }).openapiObject) as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });
  // The server URL is known only once listening (port 0), so it is filled in per request.
  app.get('/openapi.json', { schema: { hide: true } }, async () => ({ ...app.swagger(), servers: [{ url: ctx.publicUrl }] }));

  const metrics = options.metrics ?? createMetrics();
  instrumentHttp(app, metrics, { token: ctx.config.metricsToken });
  await app.register(async (scope) => healthRoutes(scope, ctx));
  await app.register(async (scope) => oauthCallbackRoutes(scope, ctx));
  await app.register(async (scope) => mediaUploadRoutes(scope, ctx));

  // The dashboard: pages at / that call this same API with a session instead of a bearer key.
  const sessions = new Sessions(ctx.store.db, options.clock);
  await app.register(async (scope) => sessionRoutes(scope, ctx, sessions));
  await app.register(async (scope) => webRoutes(scope, { sessionOf: (request) => sessions.of(request) }));

  await app.register(
    async (v1) => {
      requireApiKey(v1, ctx, sessions);
      await limitPerApiKey(v1, ctx.config.rateLimitPerMinute);
      for (const routes of API_ROUTES) await routes(v1, ctx);
    },
    { prefix: '/api/v1' },
  );

  // PostEverywhere's wire format, translated onto the routes above (not part of Pinion's own document).
  await app.register(async (scope) => posteverywhereRoutes(scope, { app, db: ctx.store.db }), { prefix: POSTEVERYWHERE_PREFIX });

  for (const mount of options.mounts ?? []) await app.register(mount.plugin, { prefix: mount.prefix, ...(mount.logLevel ? { logLevel: mount.logLevel } : {}) });
  return app;
}
