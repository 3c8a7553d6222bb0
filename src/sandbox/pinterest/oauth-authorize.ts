import type { FastifyInstance } from 'fastify';
import { escapeHtml, htmlPage as page, redirectUriProblem, redirectWith } from '../common/index.js';
import type { SandboxContext } from './context.js';
import { randomToken, type SandboxApp } from './state.js';
import { KNOWN_SCOPES, parseScopes } from './tokens.js';

interface AuthorizeRequest {
  app: SandboxApp;
  redirectUri: string;
  scopes: string[];
  rawScope: string;
  state: string | undefined;
}

type Params = Record<string, unknown>;

const str = (params: Params, name: string): string | undefined => {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Errors about the client or redirect_uri are shown as a page, never redirected, so a forged request
 * cannot bounce the user to an attacker's URL (RFC 6749 §4.1.2.1).
 */
function validate(ctx: SandboxContext, params: Params): AuthorizeRequest | { pageError: string } {
  const clientId = str(params, 'client_id');
  const app = clientId === undefined ? undefined : ctx.state.apps.get(clientId);
  if (!app) return { pageError: 'Unknown client_id.' };
  const redirectUri = str(params, 'redirect_uri');
  const problem = redirectUriProblem(redirectUri, app.redirectUris, 'redirect_uri is not registered for this app.');
  if (problem || !redirectUri) return { pageError: problem ?? 'redirect_uri is required.' };
  const rawScope = str(params, 'scope') ?? '';
  return { app, redirectUri, scopes: parseScopes(rawScope), rawScope, state: str(params, 'state') };
}

function protocolError(request: AuthorizeRequest, params: Params): string | undefined {
  if (str(params, 'response_type') !== 'code') return 'unsupported_response_type';
  const known: readonly string[] = KNOWN_SCOPES;
  if (request.scopes.length === 0 || !request.scopes.every((s) => known.includes(s))) return 'invalid_scope';
  return undefined;
}

export function registerAuthorizeRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  app.get('/oauth/', async (request, reply) => {
    const params = request.query as Params;
    const checked = validate(ctx, params);
    if ('pageError' in checked)
      return reply
        .code(400)
        .type('text/html')
        .send(page('Authorization error', `<p>${escapeHtml(checked.pageError)}</p>`));
    const error = protocolError(checked, params);
    if (error) return redirectWith(reply, checked.redirectUri, { error, state: checked.state });

    const users = [...ctx.state.users.values()];
    const options = users.map((u) => `<option value="${escapeHtml(u.id)}">${escapeHtml(u.username)}</option>`).join('');
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']
      .map((name) => {
        const value = str(params, name);
        return value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
      })
      .join('');
    const scopeList = checked.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
    const body = `<p>The app <strong>${escapeHtml(checked.app.clientId)}</strong> asks for access to your Pinterest sandbox account.</p>
<p>Requested scopes:</p><ul>${scopeList}</ul>
<form method="post" action="">
${hidden}
<fieldset><legend>Sign in as</legend>
${users.length > 0 ? `<label>Existing user <select name="user_id"><option value="">(new user)</option>${options}</select></label><br>` : ''}
<label>Username for a new user <input name="username" autocomplete="off"></label>
</fieldset>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`;
    return reply.type('text/html').send(page('Pinion Pinterest sandbox: authorize app', body));
  });

  app.post('/oauth/', async (request, reply) => {
    const params = (request.body ?? {}) as Params;
    const checked = validate(ctx, params);
    if ('pageError' in checked)
      return reply
        .code(400)
        .type('text/html')
        .send(page('Authorization error', `<p>${escapeHtml(checked.pageError)}</p>`));
    const error = protocolError(checked, params);
    if (error) return redirectWith(reply, checked.redirectUri, { error, state: checked.state });
    if (str(params, 'decision') !== 'approve') {
      return redirectWith(reply, checked.redirectUri, { error: 'access_denied', state: checked.state });
    }

    const chosenId = str(params, 'user_id');
    const username = str(params, 'username')?.trim();
    const user =
      (chosenId ? ctx.state.users.get(chosenId) : undefined) ??
      (username ? ctx.state.findUserByUsername(username) : undefined) ??
      ctx.state.createUser(username ? { username } : {});

    const code = randomToken('');
    ctx.state.authorizationCodes.set(code, {
      code,
      clientId: checked.app.clientId,
      userId: user.id,
      redirectUri: checked.redirectUri,
      scopes: checked.scopes,
      expiresAt: Date.now() + ctx.options.authorizationCodeTtlSeconds * 1000,
    });
    return redirectWith(reply, checked.redirectUri, { code, state: checked.state });
  });
}
