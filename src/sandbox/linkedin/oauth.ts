import type { FastifyInstance } from 'fastify';
import { escapeHtml, htmlPage as page, redirectWith } from '../common/index.js';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { defineOperation } from './operation.js';
import { randomToken, type SandboxApp } from './state.js';

/** Scopes the emulated apps may ask for; another one is LinkedIn's `unauthorized_scope_error`. */
export const KNOWN_SCOPES = [
  'openid',
  'profile',
  'email',
  'w_member_social',
  'r_member_social',
  'w_organization_social',
  'r_organization_social',
  'rw_organization_admin',
  'r_organization_admin',
];

type Params = Record<string, unknown>;
const str = (params: Params, name: string) => (typeof params[name] === 'string' ? (params[name] as string) : undefined);

/** Errors about the client or redirect_uri are a page, never a redirect (RFC 6749 §4.1.2.1). */
function validate(ctx: SandboxContext, params: Params): { app: SandboxApp; redirectUri: string; scopes: string[]; state?: string } | { pageError: string } {
  const app = ctx.state.apps.get(str(params, 'client_id') ?? '');
  if (!app) return { pageError: 'The passed in client_id is invalid.' };
  const redirectUri = str(params, 'redirect_uri');
  if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return { pageError: 'The redirect_uri is missing or not a valid URL.' };
  if (app.redirectUris && !app.redirectUris.includes(redirectUri)) return { pageError: 'The redirect_uri does not match the registered value.' };
  const scopes = (str(params, 'scope') ?? '').split(/[\s,]+/).filter(Boolean);
  return { app, redirectUri, scopes, state: str(params, 'state') };
}

function protocolError(checked: { scopes: string[] }, params: Params): [string, string] | undefined {
  if (str(params, 'response_type') !== 'code') return ['invalid_request', 'response_type must be code'];
  const unknown = checked.scopes.find((s) => !KNOWN_SCOPES.includes(s));
  if (unknown !== undefined) return ['unauthorized_scope_error', `Scope "${unknown}" is not authorized for your application`];
  if (!checked.scopes.length) return ['invalid_scope_error', 'No scope was requested'];
  return undefined;
}

/** Access token (60 days) and, for apps approved for it, a refresh token whose 365 days run from the first grant. */
export function issueTokens(ctx: SandboxContext, memberId: string, scopes: string[], clientId: string, refresh?: { token: string; expiresAt: number }) {
  const now = Date.now();
  const access = randomToken('AQ');
  ctx.state.tokens.set(access, { token: access, kind: 'access', clientId, memberId, scopes, expiresAt: now + ctx.options.accessTokenTtlSeconds * 1000 });
  const body: Record<string, unknown> = { access_token: access, expires_in: ctx.options.accessTokenTtlSeconds, scope: scopes.join(',') };
  if (ctx.state.apps.get(clientId)?.refreshTokens) {
    let r = refresh;
    if (!r) {
      r = { token: randomToken('AQR'), expiresAt: now + ctx.options.refreshTokenTtlSeconds * 1000 };
      ctx.state.tokens.set(r.token, { token: r.token, kind: 'refresh', clientId, memberId, scopes, expiresAt: r.expiresAt });
    }
    body.refresh_token = r.token;
    body.refresh_token_expires_in = Math.max(0, Math.floor((r.expiresAt - now) / 1000));
  }
  return body;
}

export function registerOAuthRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/oauth/v2/authorization', async (request, reply) => {
    const params = request.query as Params;
    const checked = validate(ctx, params);
    if ('pageError' in checked)
      return reply
        .code(400)
        .type('text/html')
        .send(page('Authorization error', `<p>${escapeHtml(checked.pageError)}</p>`));
    const error = protocolError(checked, params);
    if (error) return redirectWith(reply, checked.redirectUri, { error: error[0], error_description: error[1], state: checked.state });
    const members = [...ctx.state.members.values()].map((m) => `<option value="${escapeHtml(m.id)}">${escapeHtml(m.name)}</option>`).join('');
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']
      .map((n) => (str(params, n) === undefined ? '' : `<input type="hidden" name="${n}" value="${escapeHtml(str(params, n)!)}">`))
      .join('');
    const body = `<p>The app <strong>${escapeHtml(checked.app.clientId)}</strong> asks for: ${checked.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}.</p>
<form method="post" action="">${hidden}
<label>Sign in as <select name="member_id"><option value="">(new member)</option>${members}</select></label><br>
<label>Name of a new member <input name="name" autocomplete="off"></label><br>
<button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="deny">Deny</button></form>`;
    return reply.type('text/html').send(page('Pinion LinkedIn sandbox: sign in and allow', body));
  });

  app.post('/oauth/v2/authorization', async (request, reply) => {
    const params = (request.body ?? {}) as Params;
    const checked = validate(ctx, params);
    if ('pageError' in checked)
      return reply
        .code(400)
        .type('text/html')
        .send(page('Authorization error', `<p>${escapeHtml(checked.pageError)}</p>`));
    const error = protocolError(checked, params);
    if (error) return redirectWith(reply, checked.redirectUri, { error: error[0], error_description: error[1], state: checked.state });
    // LinkedIn's own words when the member cancels.
    if (str(params, 'decision') !== 'approve')
      return redirectWith(reply, checked.redirectUri, {
        error: 'user_cancelled_login',
        error_description: 'The user cancelled LinkedIn login',
        state: checked.state,
      });
    const name = str(params, 'name')?.trim();
    const member =
      ctx.state.members.get(str(params, 'member_id') ?? '') ??
      (name ? ctx.state.findMemberByName(name) : undefined) ??
      ctx.state.createMember(name ? { name } : {});
    const code = randomToken('AQT');
    ctx.state.codes.set(code, {
      clientId: checked.app.clientId,
      memberId: member.id,
      redirectUri: checked.redirectUri,
      scopes: checked.scopes,
      expiresAt: Date.now() + ctx.options.authorizationCodeTtlSeconds * 1000,
    });
    return redirectWith(reply, checked.redirectUri, { code, state: checked.state });
  });

  // LinkedIn takes the client credentials in the form body.
  defineOperation(app, ctx, { method: 'POST', url: '/oauth/v2/accessToken', name: 'POST /oauth/v2/accessToken', auth: false }, async ({ request }) => {
    const form = (request.body ?? {}) as Params;
    const client = ctx.state.apps.get(str(form, 'client_id') ?? '');
    if (!client || client.clientSecret !== str(form, 'client_secret')) throw errors.oauth(401, 'invalid_client', 'Client authentication failed');
    const grant = str(form, 'grant_type');
    if (grant === 'authorization_code') {
      const code = str(form, 'code') ?? '';
      const found = ctx.state.codes.get(code);
      ctx.state.codes.delete(code); // single use
      if (!found || found.clientId !== client.clientId || found.expiresAt <= Date.now())
        throw errors.oauth(400, 'invalid_request', 'Unable to retrieve access token: authorization code not found');
      if (found.redirectUri !== str(form, 'redirect_uri'))
        throw errors.oauth(400, 'invalid_redirect_uri', 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code');
      return { status: 200, body: issueTokens(ctx, found.memberId, found.scopes, client.clientId) };
    }
    if (grant === 'refresh_token') {
      const raw = str(form, 'refresh_token') ?? '';
      const old = ctx.state.tokens.get(raw);
      if (!client.refreshTokens || !old || old.kind !== 'refresh' || old.clientId !== client.clientId || old.expiresAt <= Date.now()) {
        throw errors.oauth(400, 'invalid_grant', 'Token has been expired or revoked.');
      }
      // The same refresh token comes back, with what is left of its fixed lifetime.
      return { status: 200, body: issueTokens(ctx, old.memberId, old.scopes, client.clientId, { token: old.token, expiresAt: old.expiresAt }) };
    }
    throw errors.oauth(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  });

  // Sign In with LinkedIn using OpenID Connect: who the member is.
  defineOperation(app, ctx, { method: 'GET', url: '/v2/userinfo', name: 'GET /v2/userinfo', scopes: ['openid'] }, async ({ member }) => {
    const m = member!;
    const [given, ...family] = m.name.split(' ');
    return {
      status: 200,
      body: {
        sub: m.id,
        name: m.name,
        given_name: given,
        family_name: family.join(' '),
        email: m.email,
        email_verified: true,
        locale: { country: 'US', language: 'en' },
      },
    };
  });
}
