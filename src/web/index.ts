import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PAGES, movedOn, page, signInPage } from './pages.js';

export interface WebOptions {
  /** The signed-in session of a request: its CSRF token goes into the page for the scripts to send back. */
  sessionOf(request: FastifyRequest): Promise<{ csrf: string } | undefined>;
}

/** Plain files beside this module: copied next to the built server by `npm run build`, so a clean clone serves them. */
const PUBLIC = new URL('./public/', import.meta.url);
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', svg: 'image/svg+xml' };
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * The dashboard: server-rendered pages whose scripts call /api/v1 like any other client (the
 * session cookie stands in for the bearer key), so every action it offers is an API call.
 */
export async function webRoutes(app: FastifyInstance, options: WebOptions): Promise<void> {
  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const match = /^[a-z0-9-]+\.(js|css|svg)$/.exec(request.params.file);
    // Anything but a plain file name of public/ is the server's usual 404 problem.
    if (!match) return reply.callNotFound();
    try {
      const body = await readFile(new URL(request.params.file, PUBLIC));
      return reply.header('content-type', TYPES[match[1]!]).header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(body);
    } catch {
      return reply.callNotFound();
    }
  });

  // The platform sends the person back here after connecting. A SameSite=Strict cookie is not sent on a
  // navigation another site started, so this page (which needs no session) moves on from our own origin.
  app.get('/connected', { schema: { hide: true } }, async (request, reply) => {
    const query = new URLSearchParams(request.query as Record<string, string>).toString();
    return reply
      .headers(SECURITY_HEADERS)
      .type('text/html; charset=utf-8')
      .send(movedOn(`/accounts?${query}`));
  });

  for (const [path, name] of Object.entries(PAGES)) {
    app.get<{ Querystring: Record<string, string> }>(path, { schema: { hide: true } }, async (request, reply) => {
      reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8');
      const session = await options.sessionOf(request);
      if (!session) return signInPage({ failed: request.query.signin === 'failed', ended: request.query.signin === 'ended', next: request.url.split('?')[0]! });
      return page(name, session.csrf);
    });
  }
}
