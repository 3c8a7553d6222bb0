import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxContext } from './context.js';
import { sendError } from './context.js';
import { OAuthError } from './errors.js';
import { randomId, type IssuedToken } from './state.js';

const KNOWN_SCOPES = ['user.info.basic', 'user.info.profile', 'video.publish', 'video.upload', 'video.list'];
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
type Params = Record<string, string | undefined>;

/** Does the verifier match the challenge, in the encoding the emulator is set to (TikTok: hex, see README)? */
export function challengeMatches(challenge: string, verifier: string, encoding: 'hex' | 'base64url' | 'either'): boolean {
  const digest = createHash('sha256').update(verifier).digest();
  const hex = digest.toString('hex');
  const b64 = digest.toString('base64url');
  return encoding === 'hex' ? challenge === hex : encoding === 'base64url' ? challenge === b64 : challenge === hex || challenge === b64;
}

export function issueTokens(ctx: SandboxContext, openId: string, clientKey: string, scopes: string[]) {
  const now = Date.now();
  const { accessTokenTtlSeconds, refreshTokenTtlSeconds } = ctx.options;
  const issue = (kind: IssuedToken['kind'], prefix: string, ttl: number) => {
    const t: IssuedToken = { token: randomId(prefix, 24), kind, clientKey, openId, scopes: [...scopes], expiresAt: now + ttl * 1000 };
    ctx.state.tokens.set(t.token, t);
    return t;
  };
  const access = issue('access', 'act.', accessTokenTtlSeconds);
  const refresh = issue('refresh', 'rft.', refreshTokenTtlSeconds);
  return {
    open_id: openId,
    scope: scopes.join(','),
    access_token: access.token,
    expires_in: accessTokenTtlSeconds,
    refresh_token: refresh.token,
    refresh_expires_in: refreshTokenTtlSeconds,
    token_type: 'Bearer',
  };
}

/** Login Kit: the authorize page (with Approve and Deny), the token endpoint (code and refresh grants) and revoke. */
export function registerOAuthRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { state } = ctx;

  const check = (q: Params): { error?: string; scopes: string[] } => {
    const client = q.client_key ? state.apps.get(q.client_key) : undefined;
    if (!client) return { error: 'client_key is unknown', scopes: [] };
    if (q.response_type !== 'code') return { error: 'response_type must be code', scopes: [] };
    if (!q.redirect_uri || !/^https?:\/\//.test(q.redirect_uri)) return { error: 'redirect_uri is missing or not absolute', scopes: [] };
    const scopes = [...new Set((q.scope ?? '').split(',').filter(Boolean))];
    const unknown = scopes.find((s) => !KNOWN_SCOPES.includes(s));
    if (!scopes.length || unknown) return { error: `invalid scope ${unknown ?? '(none)'}`, scopes: [] };
    if (q.code_challenge !== undefined && q.code_challenge_method !== 'S256') return { error: 'code_challenge_method must be S256', scopes: [] };
    if (ctx.options.requirePkce && !q.code_challenge) return { error: 'code_challenge is required', scopes: [] };
    return { scopes };
  };

  app.get('/v2/auth/authorize/', async (request, reply) => {
    const q = request.query as Params;
    const { error, scopes } = check(q);
    if (error)
      return reply
        .code(400)
        .type('text/html')
        .send(`<h1>Something went wrong</h1><p>${esc(error)}</p>`);
    const hidden = Object.entries(q)
      .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v ?? '')}">`)
      .join('');
    return reply
      .type('text/html')
      .send(
        `<!doctype html><title>TikTok sandbox — authorize</title><h1>Authorize ${esc(q.client_key!)}</h1><p>Scopes: ${esc(scopes.join(', '))}</p>` +
          `<form method="post">${hidden}<label>Username <input name="username" value="creator"></label>` +
          `<button name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></form>`,
      );
  });

  app.post('/v2/auth/authorize/', async (request, reply) => {
    const f = (request.body ?? {}) as Params;
    const { error, scopes } = check(f);
    if (error)
      return reply
        .code(400)
        .type('text/html')
        .send(`<p>${esc(error)}</p>`);
    const back = new URL(f.redirect_uri!);
    if (f.state !== undefined) back.searchParams.set('state', f.state);
    if (f.decision !== 'approve') {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'The user denied the request.');
      return reply.redirect(back.toString(), 302);
    }
    const username = (f.username ?? 'creator').trim() || 'creator';
    const user = state.findUserByUsername(username) ?? state.createUser({ username });
    const code = randomId('code_', 16);
    const challenge = f.code_challenge ? { codeChallenge: f.code_challenge } : {};
    state.codes.set(code, {
      code,
      clientKey: f.client_key!,
      openId: user.openId,
      scopes,
      redirectUri: f.redirect_uri!,
      ...challenge,
      expiresAt: Date.now() + 600_000,
    });
    back.searchParams.set('code', code);
    back.searchParams.set('scopes', scopes.join(','));
    return reply.redirect(back.toString(), 302);
  });

  const tokenRoute = async (body: Params, reply: FastifyReply) => {
    state.countCall('POST /v2/oauth/token/');
    const client = body.client_key ? state.apps.get(body.client_key) : undefined;
    if (!client || client.clientSecret !== body.client_secret) throw new OAuthError(401, 'invalid_client', 'Client key or secret is incorrect.');
    if (body.grant_type === 'authorization_code') {
      const code = body.code ? state.codes.get(body.code) : undefined;
      if (!code || code.clientKey !== client.clientKey || code.expiresAt < Date.now())
        throw new OAuthError(400, 'invalid_grant', 'Authorization code is expired.');
      if (code.redirectUri !== body.redirect_uri)
        throw new OAuthError(400, 'invalid_request', 'Redirect URI does not match the one of the authorization request.');
      if (code.codeChallenge !== undefined && (!body.code_verifier || !challengeMatches(code.codeChallenge, body.code_verifier, ctx.options.pkceChallenge))) {
        throw new OAuthError(400, 'invalid_request', 'Code verifier or code challenge is invalid.');
      }
      state.codes.delete(code.code); // single use
      return reply.send(issueTokens(ctx, code.openId, client.clientKey, code.scopes));
    }
    if (body.grant_type === 'refresh_token') {
      const old = body.refresh_token ? state.tokens.get(body.refresh_token) : undefined;
      if (!old || old.kind !== 'refresh' || old.revoked || old.clientKey !== client.clientKey || old.expiresAt < Date.now()) {
        throw new OAuthError(400, 'invalid_grant', 'Refresh token is invalid or expired.');
      }
      // Rotation: the used refresh token stops working; the answer carries its successor.
      if (ctx.options.rotateRefreshTokens) old.revoked = true;
      const tokens = issueTokens(ctx, old.openId, client.clientKey, old.scopes);
      if (!ctx.options.rotateRefreshTokens) {
        state.tokens.delete(tokens.refresh_token);
        return reply.send({ ...tokens, refresh_token: old.token, refresh_expires_in: Math.floor((old.expiresAt - Date.now()) / 1000) });
      }
      return reply.send(tokens);
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'The grant type is not supported.');
  };

  app.post('/v2/oauth/token/', async (request, reply) => {
    try {
      return await tokenRoute((request.body ?? {}) as Params, reply);
    } catch (error) {
      if (error instanceof OAuthError) return sendError(reply, error);
      throw error;
    }
  });

  app.post('/v2/oauth/revoke/', async (request, reply) => {
    const body = (request.body ?? {}) as Params;
    state.countCall('POST /v2/oauth/revoke/');
    const client = body.client_key ? state.apps.get(body.client_key) : undefined;
    if (!client || client.clientSecret !== body.client_secret)
      return sendError(reply, new OAuthError(401, 'invalid_client', 'Client key or secret is incorrect.'));
    const token = body.token ? state.tokens.get(body.token) : undefined;
    // Revoking ends the grant: every token of this user for this client.
    if (token) for (const t of state.tokens.values()) if (t.openId === token.openId && t.clientKey === client.clientKey) t.revoked = true;
    return reply.send({});
  });
}
