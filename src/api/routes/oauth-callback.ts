import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ConnectError, finishConnect } from '../../accounts/index.js';
import { connectorFor, findConnector } from '../../connectors/index.js';
import { literalRefusal } from '../../net/index.js';
import { notFound } from '../problem.js';
import { oauthFlowOf } from './accounts.js';
import type { ApiContext } from '../context.js';

const Params = Type.Object({ platform: Type.String({ minLength: 1, maxLength: 40 }) });
const Query = Type.Object({
  code: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  error_description: Type.Optional(Type.String()),
});

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>` +
  `<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style></head>` +
  `<body><h1>${escape(title)}</h1><p>${escape(body)}</p></body></html>`;

/** Said at connect time: platforms that download stored media from Pinion cannot while its public URL is loopback or private. */
function unreachableMedia(publicUrl: string, platforms: string[]): string {
  const names = platforms
    .map((p) => connectorFor(p).facts)
    .filter((f) => f.capabilities.fetchesMediaByUrl)
    .map((f) => f.name);
  const why = names.length ? literalRefusal(new URL(publicUrl)) : undefined;
  if (!why) return '';
  return `Note: ${names.join(' and ')} download${names.length > 1 ? '' : 's'} uploaded media from Pinion's public URL ${publicUrl}, which ${names.length > 1 ? 'they' : 'it'} cannot reach (${why}); set PINION_PUBLIC_URL to an address on the internet, or post media by public media_url. `;
}

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
        const note = unreachableMedia(ctx.publicUrl, [...new Set(accounts.map((a) => a.platform))]);
        if (redirectUrl) {
          const params = {
            status: 'connected',
            account_id: account.id,
            account_ids: accounts.map((a) => a.id).join(','),
            platform,
            ...(note && { warning: note.trim() }),
          };
          return reply.redirect(withParams(redirectUrl, params), 302);
        }
        const names = accounts.map((a) => `${a.username} on ${a.platform} is connected to Pinion (account ${a.id})`).join('; ');
        return reply
          .type('text/html')
          .send(page(accounts.length > 1 ? 'Accounts connected' : 'Account connected', `${names}. ${note}You can close this window.`));
      } catch (err) {
        if (!(err instanceof ConnectError)) throw err;
        request.log.warn({ reason: err.reason, platform }, 'account connect failed');
        if (err.redirectUrl) return reply.redirect(withParams(err.redirectUrl, { status: 'error', error: err.reason, error_description: err.message }), 302);
        return reply.code(400).type('text/html').send(page('Could not connect the account', err.message));
      }
    },
  );
}
