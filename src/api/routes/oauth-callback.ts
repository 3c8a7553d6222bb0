import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ConnectError, finishConnect } from '../../accounts/index.js';
import { findConnector } from '../../connectors/index.js';
import { notFound } from '../problem.js';
import { oauthFlowOf } from './accounts.js';
import type { ApiContext } from '../context.js';

const Params = Type.Object({ platform: Type.String({ minLength: 1, maxLength: 40 }) });
const Query = Type.Object({ code: Type.Optional(Type.String()), state: Type.Optional(Type.String()), error: Type.Optional(Type.String()), error_description: Type.Optional(Type.String()) });

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>` +
  `<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style></head>` +
  `<body><h1>${escape(title)}</h1><p>${escape(body)}</p></body></html>`;

function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * Where the platform sends the person after they approve. No API key here: the single-use
 * state, bound to a workspace when the connect began, is what authorises the callback.
 */
export async function oauthCallbackRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/oauth/callback/:platform',
    { schema: { tags: ['accounts'], summary: 'OAuth callback (the platform redirects here; not called directly)', params: Params, querystring: Query } },
    async (request, reply) => {
      const { platform } = request.params;
      if (!findConnector(platform)) throw notFound(`Platform "${platform}"`);
      try {
        const { account, accounts, redirectUrl } = await finishConnect(ctx.store.db, ctx.accounts.vault, {
          platform,
          oauth: oauthFlowOf(ctx, platform),
          publicUrl: ctx.publicUrl,
          ...request.query,
        });
        if (redirectUrl) return reply.redirect(withParams(redirectUrl, { status: 'connected', account_id: account.id, platform }), 302);
        if (accounts.length > 1) {
          const names = accounts.map((a) => `${a.username} (account ${a.id})`).join(', ');
          return reply.type('text/html').send(page('Accounts connected', `${accounts.length} accounts on ${platform} are connected to Pinion: ${names}. You can close this window.`));
        }
        return reply.type('text/html').send(page('Account connected', `${account.username} on ${platform} is connected to Pinion (account ${account.id}). You can close this window.`));
      } catch (err) {
        if (!(err instanceof ConnectError)) throw err;
        request.log.warn({ reason: err.reason, platform }, 'account connect failed');
        if (err.redirectUrl) return reply.redirect(withParams(err.redirectUrl, { status: 'error', error: err.reason, error_description: err.message }), 302);
        return reply.code(400).type('text/html').send(page('Could not connect the account', err.message));
      }
    },
  );
}
