import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { escapeHtml, htmlPage, redirectWith } from '../common/index.js';
import type { YouTubeContext } from './context.js';
import { OAuthError } from './errors.js';
import { route } from './operation.js';
import type { AuthCode } from './state.js';

/** Scopes the emulator grants: Google's YouTube scopes (full URLs) and the identity ones. */
export const KNOWN_SCOPES = new Set([
  'https://www.googleapis.com/auth/youtube',
  'https://www.googleapis.com/auth/youtube.upload',
  'https://www.googleapis.com/auth/youtube.readonly',
  'https://www.googleapis.com/auth/youtube.force-ssl',
  'https://www.googleapis.com/auth/youtubepartner',
  'openid',
  'email',
  'profile',
]);

type Params = Record<string, string | undefined>;

/** What is wrong with an authorize request, in the words of Google's error page ("Error 400: invalid_request"). */
function authorizeProblem(ctx: YouTubeContext, q: Params): string | undefined {
  if (!q.client_id || !ctx.state.apps.has(q.client_id)) return 'Error 401: invalid_client. The OAuth client was not found.';
  if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return 'Error 400: redirect_uri_mismatch. Missing or invalid redirect_uri.';
  if (q.response_type !== 'code') return `Error 400: invalid_request. Invalid response_type: ${q.response_type ?? '(missing)'}`;
  const scopes = (q.scope ?? '').split(' ').filter(Boolean);
  if (scopes.length === 0) return 'Error 400: invalid_request. Missing required parameter: scope';
  const unknown = scopes.find((s) => !KNOWN_SCOPES.has(s));
  if (unknown) return `Error 400: invalid_scope. Some requested scopes were invalid. {invalid=[${unknown}]}`;
  if (q.access_type !== undefined && !['online', 'offline'].includes(q.access_type)) return `Error 400: invalid_request. Invalid access_type: ${q.access_type}`;
  if (q.code_challenge !== undefined && !['S256', 'plain', undefined].includes(q.code_challenge_method))
    return 'Error 400: invalid_request. Invalid code_challenge_method';
  return undefined;
}

const HIDDEN = [
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'access_type',
  'prompt',
  'include_granted_scopes',
  'state',
  'code_challenge',
  'code_challenge_method',
  'login_hint',
];

export function registerOAuthRoutes(app: FastifyInstance, ctx: YouTubeContext): void {
  app.get('/o/oauth2/v2/auth', async (request, reply) => {
    const q = request.query as Params;
    const problem = authorizeProblem(ctx, q);
    if (problem)
      return reply
        .code(400)
        .type('text/html')
        .send(htmlPage('Access blocked: authorization error', `<p>${escapeHtml(problem)}</p>`));
    const hidden = HIDDEN.filter((k) => q[k] !== undefined)
      .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q[k]!)}">`)
      .join('');
    const scopes = q
      .scope!.split(' ')
      .map((s) => `<li>${escapeHtml(s)}</li>`)
      .join('');
    return reply.type('text/html').send(
      htmlPage(
        'Sign in with Google (YouTube emulator)',
        `<p>${escapeHtml(q.client_id!)} wants to access your YouTube account:</p><ul>${scopes}</ul>
<form method="post">${hidden}<label>Channel handle <input name="channel" value="${escapeHtml(q.login_hint ?? '@sandbox')}"></label>
<p><button name="decision" value="approve">Allow</button><button name="decision" value="deny">Cancel</button></p></form>`,
      ),
    );
  });

  app.post('/o/oauth2/v2/auth', async (request, reply) => {
    const q = { ...(request.query as Params), ...(request.body as Params) };
    const problem = authorizeProblem(ctx, q);
    if (problem)
      return reply
        .code(400)
        .type('text/html')
        .send(htmlPage('Access blocked: authorization error', `<p>${escapeHtml(problem)}</p>`));
    if (q.decision !== 'approve') return redirectWith(reply, q.redirect_uri!, { error: 'access_denied', state: q.state });
    const handle = (q.channel ?? '@sandbox').trim() || '@sandbox';
    const channel = ctx.state.channelByHandle(handle.replace(/^@?/, '@')) ?? ctx.state.createChannel({ handle });
    const code = ctx.state.newToken('4/0A');
    ctx.state.codes.set(code, {
      channelId: channel.id,
      clientId: q.client_id!,
      redirectUri: q.redirect_uri!,
      scopes: q.scope!.split(' ').filter(Boolean),
      offline: q.access_type === 'offline',
      ...(q.code_challenge && { challenge: { value: q.code_challenge, method: q.code_challenge_method === 'S256' ? 'S256' : 'plain' } }),
      expiresAt: ctx.clock.now() + ctx.options.authorizationCodeTtlSeconds * 1000,
    });
    return redirectWith(reply, q.redirect_uri!, { code, state: q.state, scope: q.scope });
  });

  route(app, ctx, 'POST', '/token', async (request) => ({ status: 200, body: token(ctx, request) }));

  // Revoking either token ends the whole grant (Google: "If the token is an access token and it has a corresponding refresh token, the refresh token will also be revoked").
  route(app, ctx, 'POST', '/revoke', async (request) => {
    const given = (request.body as Params | undefined)?.token ?? (request.query as Params).token;
    const found = given === undefined ? undefined : ctx.state.tokens.get(given);
    if (!found) throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
    for (const [key, t] of ctx.state.tokens) if (t.grant === found.grant) ctx.state.tokens.delete(key);
    return { status: 200, body: {} };
  });
}

function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function verifierMatches(code: AuthCode, verifier: string | undefined): string | undefined {
  if (!code.challenge) return undefined;
  if (!verifier) return 'Missing code verifier.';
  const computed = code.challenge.method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return computed === code.challenge.value ? undefined : 'Invalid code verifier.';
}

/** `POST /token` (oauth2.googleapis.com/token): authorization_code and refresh_token grants, client credentials in the body or Basic. */
function token(ctx: YouTubeContext, request: FastifyRequest) {
  const form = (request.body ?? {}) as Params;
  let clientId = form.client_id;
  let secret = form.client_secret;
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (basic) [clientId, secret] = Buffer.from(basic, 'base64').toString().split(':') as [string, string];
  const app = clientId ? ctx.state.apps.get(clientId) : undefined;
  if (!app || !secret || !secretMatches(secret, app.clientSecret)) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  const now = ctx.clock.now();
  const issueAccess = (channelId: string, scopes: string[], grant: string) => {
    const access = ctx.state.newToken('ya29.');
    ctx.state.tokens.set(access, {
      kind: 'access',
      channelId,
      clientId: app.clientId,
      scopes,
      expiresAt: now + ctx.options.accessTokenTtlSeconds * 1000,
      grant,
    });
    return access;
  };
  if (form.grant_type === 'authorization_code') {
    const code = form.code ? ctx.state.codes.get(form.code) : undefined;
    if (form.code) ctx.state.codes.delete(form.code); // one use only
    if (!code || code.expiresAt <= now || code.clientId !== app.clientId) throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    if (code.redirectUri !== form.redirect_uri) throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    const pkce = verifierMatches(code, form.code_verifier);
    if (pkce) throw new OAuthError(400, 'invalid_grant', pkce);
    const refresh = ctx.state.newToken('1//0g');
    if (code.offline)
      ctx.state.tokens.set(refresh, {
        kind: 'refresh',
        channelId: code.channelId,
        clientId: app.clientId,
        scopes: code.scopes,
        expiresAt: Number.MAX_SAFE_INTEGER,
        grant: refresh,
      });
    const access = issueAccess(code.channelId, code.scopes, refresh);
    return {
      access_token: access,
      expires_in: ctx.options.accessTokenTtlSeconds,
      // Only with access_type=offline: the refresh token comes with the first consent (and with prompt=consent).
      ...(code.offline && { refresh_token: refresh }),
      scope: code.scopes.join(' '),
      token_type: 'Bearer',
    };
  }
  if (form.grant_type === 'refresh_token') {
    const grant = form.refresh_token ? ctx.state.tokens.get(form.refresh_token) : undefined;
    if (!grant || grant.kind !== 'refresh' || grant.clientId !== app.clientId) throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    const access = issueAccess(grant.channelId, grant.scopes, grant.grant);
    // No new refresh token: the one the client has stays good.
    return { access_token: access, expires_in: ctx.options.accessTokenTtlSeconds, scope: grant.scopes.join(' '), token_type: 'Bearer' };
  }
  throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.grant_type ?? ''}`);
}
