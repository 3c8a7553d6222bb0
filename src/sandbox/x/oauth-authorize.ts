import type { FastifyInstance, FastifyReply } from 'fastify';
import { escapeHtml, htmlPage, redirectUriProblem, redirectWith } from '../common/index.js';
import type { XContext } from './context.js';
import { randomToken, type XApp } from './state.js';
import { KNOWN_SCOPES, parseScopes } from './tokens.js';

interface AuthorizeRequest {
  app: XApp;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
}

type Params = Record<string, unknown>;

const str = (params: Params, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
};

const FORWARDED = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method'];

/**
 * Errors about the client or redirect_uri are shown as a page, never redirected, so a forged request cannot
 * bounce the user to an attacker's URL (RFC 6749 §4.1.2.1). redirect_uri must match a registered one exactly.
 */
function validateClient(ctx: XContext, params: Params): AuthorizeRequest | { pageError: string } {
  const clientId = str(params, 'client_id');
  const app = clientId === undefined ? undefined : ctx.state.apps.get(clientId);
  if (!app) return { pageError: 'Unknown client_id.' };
  const redirectUri = str(params, 'redirect_uri');
  const problem = redirectUriProblem(redirectUri, app.redirectUris, 'redirect_uri does not match a callback URL registered for this app.');
  if (problem || !redirectUri) return { pageError: problem ?? 'redirect_uri is required.' };
  return { app, redirectUri, scopes: parseScopes(str(params, 'scope')), state: str(params, 'state') };
}

/** Errors the client can be told about, on its redirect_uri (RFC 6749 §4.1.2.1, RFC 7636 §4.4.1). */
function protocolError(request: AuthorizeRequest, params: Params): { error: string; error_description: string } | undefined {
  if (str(params, 'response_type') !== 'code') return { error: 'unsupported_response_type', error_description: 'response_type must be code' };
  if (request.scopes.length === 0) return { error: 'invalid_scope', error_description: 'scope is required (space-separated)' };
  const unknown = request.scopes.filter((s) => !KNOWN_SCOPES.includes(s));
  if (unknown.length > 0) return { error: 'invalid_scope', error_description: `unknown scope: ${unknown.join(' ')}` };
  if (!request.state) return { error: 'invalid_request', error_description: 'state is required' };
  if (request.state.length > 500) return { error: 'invalid_request', error_description: 'state must be at most 500 characters' };
  if (!str(params, 'code_challenge')) return { error: 'invalid_request', error_description: 'code_challenge is required (PKCE)' };
  const method = str(params, 'code_challenge_method');
  if (method !== 'S256' && method !== 'plain') return { error: 'invalid_request', error_description: 'code_challenge_method must be S256 or plain' };
  return undefined;
}

function check(ctx: XContext, params: Params, reply: FastifyReply): AuthorizeRequest | FastifyReply {
  const checked = validateClient(ctx, params);
  if ('pageError' in checked)
    return reply
      .code(400)
      .type('text/html')
      .send(htmlPage('Authorization error', `<p>${escapeHtml(checked.pageError)}</p>`));
  const error = protocolError(checked, params);
  if (error) return redirectWith(reply, checked.redirectUri, { ...error, state: checked.state });
  return checked;
}

export function registerAuthorizeRoutes(app: FastifyInstance, ctx: XContext): void {
  app.get('/i/oauth2/authorize', async (request, reply) => {
    const params = request.query as Params;
    const checked = check(ctx, params, reply);
    if (!('app' in checked)) return checked;
    const users = [...ctx.state.users.values()];
    const options = users.map((u) => `<option value="${escapeHtml(u.id)}">@${escapeHtml(u.username)}</option>`).join('');
    const hidden = FORWARDED.map((name) => {
      const value = str(params, name);
      return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
    }).join('');
    const scopeList = checked.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
    const body = `<p>The app <strong>${escapeHtml(checked.app.clientId)}</strong> wants to access your X sandbox account.</p>
<p>Requested scopes:</p><ul>${scopeList}</ul>
<form method="post" action="">
${hidden}
<fieldset><legend>Sign in as</legend>
${users.length > 0 ? `<label>Existing user <select name="user_id"><option value="">(new user)</option>${options}</select></label><br>` : ''}
<label>Username for a new user <input name="username" autocomplete="off"></label>
</fieldset>
<button type="submit" name="decision" value="approve">Authorize app</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form>`;
    return reply.type('text/html').send(htmlPage('Pinion X sandbox: authorize app', body));
  });

  app.post('/i/oauth2/authorize', async (request, reply) => {
    const params = (request.body ?? {}) as Params;
    const checked = check(ctx, params, reply);
    if (!('app' in checked)) return checked;
    if (str(params, 'decision') !== 'approve') return redirectWith(reply, checked.redirectUri, { error: 'access_denied', state: checked.state });

    const chosenId = str(params, 'user_id');
    const username = str(params, 'username')?.trim();
    const user =
      (chosenId ? ctx.state.users.get(chosenId) : undefined) ??
      (username ? ctx.state.findUserByUsername(username) : undefined) ??
      ctx.state.createUser(username ? { username } : {});

    const code = randomToken();
    ctx.state.authorizationCodes.set(code, {
      code,
      clientId: checked.app.clientId,
      userId: user.id,
      redirectUri: checked.redirectUri,
      scopes: checked.scopes,
      codeChallenge: str(params, 'code_challenge') ?? '',
      codeChallengeMethod: str(params, 'code_challenge_method') === 'plain' ? 'plain' : 'S256',
      expiresAt: ctx.clock.now() + ctx.options.authorizationCodeTtlSeconds * 1000,
    });
    return redirectWith(reply, checked.redirectUri, { code, state: checked.state });
  });
}
