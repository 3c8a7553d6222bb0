import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { authenticate } from '../../workspaces/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { csrfMatches, setSessionCookie, type Sessions } from '../session.js';

const SignIn = Type.Object({ api_key: Type.String({ minLength: 1, maxLength: 200 }), next: Type.Optional(Type.String({ maxLength: 500 })) });
/** Only a path of this server: never another site (`//evil.example`), so sign-in cannot be an open redirect. */
const localPath = (next: string | undefined) => (next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/');
const SignOut = Type.Object({ csrf: Type.Optional(Type.String()) });

/** A form posted from another site is refused: the browser says where it came from. */
function refuseCrossSite(request: FastifyRequest) {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  const hostOf = (url: string) => {
    try {
      return new URL(url).host;
    } catch {
      return undefined;
    }
  };
  if ((origin && origin !== 'null' && hostOf(origin) !== request.headers.host) || fetchSite === 'cross-site') {
    throw new HttpProblem(403, 'cross-site', 'Sign in and out only from this server’s own pages');
  }
}

/**
 * Dashboard sign-in and sign-out (outside /api/v1: a developer sends the key itself instead).
 * Plain form posts, so signing in works before any script runs; both end with a redirect to `/`.
 */
export async function sessionRoutes(app: FastifyInstance, ctx: ApiContext, sessions: Sessions): Promise<void> {
  await app.register(formbody);
  const secure = () => ctx.publicUrl.startsWith('https:');

  app.post<{ Body: Static<typeof SignIn> }>('/session', { schema: { hide: true, body: SignIn } }, async (request, reply) => {
    refuseCrossSite(request);
    const key = request.body.api_key.trim();
    const caller = await authenticate(ctx.store.db, key);
    const next = localPath(request.body.next);
    if (!caller) return reply.redirect(`${next}?signin=failed`, 303);
    const session = await sessions.create(caller.keyId);
    setSessionCookie(reply, session.cookie, secure());
    return reply.redirect(next, 303);
  });

  app.post<{ Body: Static<typeof SignOut> }>('/session/end', { schema: { hide: true, body: SignOut } }, async (request, reply) => {
    refuseCrossSite(request);
    const session = await sessions.of(request);
    if (session) {
      if (!csrfMatches(session, request.body.csrf ?? request.headers['x-csrf-token']))
        throw new HttpProblem(403, 'csrf', 'Sign out from the dashboard’s own button');
      await sessions.end(session);
    }
    setSessionCookie(reply, '', secure(), 0);
    return reply.redirect('/', 303);
  });
}
