import type { FastifyInstance } from 'fastify';
import { authenticate } from '../workspaces/index.js';
import type { ApiContext } from './context.js';
import { HttpProblem, sendProblem } from './problem.js';
import { CSRF_HEADER, csrfMatches, isSafeMethod, type Sessions } from './session.js';

/**
 * Every /api/v1 route needs `Authorization: Bearer <key>`, or a dashboard session cookie (whose
 * key is kept server-side) plus its CSRF token on every request that changes something. Resources
 * are always looked up within the caller's workspace, so another workspace's ids simply do not exist (404).
 */
export function requireApiKey(app: FastifyInstance, ctx: ApiContext, sessions: Sessions): void {
  app.decorateRequest('caller', null as never);
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ bearerAuth: [] }] };
  });
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
    const session = match ? undefined : sessions.of(request);
    if (session && !isSafeMethod(request.method) && !csrfMatches(session, request.headers[CSRF_HEADER])) {
      return sendProblem(reply, new HttpProblem(403, 'csrf', `A signed-in browser must send the page's CSRF token in ${CSRF_HEADER}`));
    }
    const key = match?.[1] ?? session?.apiKey;
    if (!key) {
      reply.header('www-authenticate', 'Bearer realm="pinion"');
      return sendProblem(reply, new HttpProblem(401, 'unauthorized', 'Send your API key as "Authorization: Bearer <key>"'));
    }
    const caller = await authenticate(ctx.store.db, key);
    if (!caller) {
      // A revoked key ends every session signed in with it, at its next use.
      if (session) sessions.end(session);
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
