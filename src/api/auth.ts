import type { FastifyInstance } from 'fastify';
import { authenticate } from '../workspaces/index.js';
import type { ApiContext } from './context.js';
import { HttpProblem, sendProblem } from './problem.js';

/**
 * Every /api/v1 route needs `Authorization: Bearer <key>`. Resources are always looked up
 * within the caller's workspace, so another workspace's ids simply do not exist (404).
 */
export function requireApiKey(app: FastifyInstance, ctx: ApiContext): void {
  app.decorateRequest('caller', null as never);
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
  });
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match) {
      reply.header('www-authenticate', 'Bearer realm="pinion"');
      return sendProblem(reply, new HttpProblem(401, 'unauthorized', 'Send your API key as "Authorization: Bearer <key>"'));
    }
    const caller = await authenticate(ctx.store.db, match[1]!);
    if (!caller) {
      reply.header('www-authenticate', 'Bearer realm="pinion", error="invalid_token"');
      return sendProblem(reply, new HttpProblem(401, 'unauthorized', 'The API key is unknown or revoked'));
    }
    const needed = request.routeOptions.config.scope;
    if (needed && !caller.scopes.has(needed)) {
      return sendProblem(reply, new HttpProblem(403, 'insufficient-scope', `This API key lacks the scope "${needed}"`, undefined, { required_scope: needed }));
    }
    request.caller = caller;
  });
}
