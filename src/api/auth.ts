import type { FastifyInstance } from 'fastify';
import { authenticate } from '../workspaces/index.js';
import type { ApiContext } from './context.js';
import { HttpProblem, sendProblem } from './problem.js';
import { CSRF_HEADER, SESSION_COOKIE, cookieOf, csrfMatches, isSafeMethod, type Sessions } from './session.js';

/**
 * Every /api/v1 route needs `Authorization: Bearer <key>`, or a dashboard session cookie (which
 * stands for the key it signed in with) plus its CSRF token on every request that changes something. Resources
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
    // A session answers only while its key is live: revoking the key ended it (src/api/session.ts).
    const session = match ? undefined : await sessions.of(request);
    if (session && !isSafeMethod(request.method) && !csrfMatches(session, request.headers[CSRF_HEADER])) {
      return sendProblem(reply, new HttpProblem(403, 'csrf', `A signed-in browser must send the page's CSRF token in ${CSRF_HEADER}`));
    }
    if (!match && !session) {
      reply.header('www-authenticate', 'Bearer realm="pinion"');
      const ended = cookieOf(request, SESSION_COOKIE) !== undefined;
      return sendProblem(
        reply,
        new HttpProblem(
          401,
          'unauthorized',
          ended
            ? 'The dashboard session ended (signed out, expired, or its API key was revoked): sign in again'
            : 'Send your API key as "Authorization: Bearer <key>"',
        ),
      );
    }
    const caller = session?.caller ?? (await authenticate(ctx.store.db, match![1]!));
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
