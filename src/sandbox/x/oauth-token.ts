import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { XContext } from './context.js';
import { OAuthError } from './errors.js';
import { defineClientOperation } from './operation.js';
import type { AuthorizationCode, XApp } from './state.js';
import { issueTokens } from './tokens.js';

function formField(request: FastifyRequest, name: string): string | undefined {
  const body = request.body;
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function required(request: FastifyRequest, name: string): string {
  const value = formField(request, name);
  // The wording X uses for a missing token-endpoint parameter (third-party reports).
  if (value === undefined) throw new OAuthError(400, 'invalid_request', `Missing required parameter [${name}].`);
  return value;
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Confidential clients send HTTP Basic client_id:client_secret; public clients (no secret) send client_id in the form
 * (docs fundamentals/authentication/oauth-2-0/user-access-token.mdx). A confidential client without a valid Basic
 * header gets X's observed 401 unauthorized_client "Missing valid authorization header".
 */
function authenticateClient(ctx: XContext, request: FastifyRequest): XApp {
  const match = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  const missingHeader = () => new OAuthError(401, 'unauthorized_client', 'Missing valid authorization header');
  if (match?.[1]) {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const app = colon < 0 ? undefined : ctx.state.apps.get(decodeURIComponent(decoded.slice(0, colon)));
    if (!app?.clientSecret || !sameText(app.clientSecret, decodeURIComponent(decoded.slice(colon + 1)))) throw missingHeader();
    return app;
  }
  const app = ctx.state.apps.get(required(request, 'client_id'));
  if (!app) throw new OAuthError(401, 'invalid_client', 'Unknown client_id.');
  if (app.clientSecret !== undefined) throw missingHeader();
  return app;
}

/** RFC 7636 §4.6. */
function verifierMatches(grant: AuthorizationCode, verifier: string): boolean {
  const derived = grant.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return sameText(derived, grant.codeChallenge);
}

export function registerTokenRoutes(app: FastifyInstance, ctx: XContext): void {
  const { state } = ctx;
  const refused = (description: string) => new OAuthError(400, ctx.options.oauthGrantError, description);

  defineClientOperation(app, ctx, { method: 'POST', path: '/2/oauth2/token' }, async (request) => {
    const client = authenticateClient(ctx, request);
    const grantType = required(request, 'grant_type');
    if (grantType === 'authorization_code') {
      const code = required(request, 'code');
      const redirectUri = required(request, 'redirect_uri');
      const verifier = required(request, 'code_verifier');
      const grant = state.authorizationCodes.get(code);
      // Single use: the code is spent by its first exchange attempt, successful or not.
      if (grant) state.authorizationCodes.delete(code);
      const invalidCode = 'Value passed for the authorization code was invalid.';
      if (!grant || grant.clientId !== client.clientId || grant.expiresAt <= ctx.clock.now()) throw refused(invalidCode);
      if (grant.redirectUri !== redirectUri) throw refused(invalidCode);
      if (!verifierMatches(grant, verifier)) throw refused(invalidCode);
      return { status: 200, body: issueTokens(ctx, grant.userId, grant.scopes, client.clientId) };
    }
    if (grantType === 'refresh_token') {
      const raw = required(request, 'refresh_token');
      const old = state.tokens.get(raw);
      if (!old || old.kind !== 'refresh' || old.clientId !== client.clientId || old.expiresAt <= ctx.clock.now()) {
        throw refused('Value passed for the token was invalid.');
      }
      // Rotation: the presented refresh token dies the moment its successor is issued.
      state.tokens.delete(raw);
      return { status: 200, body: issueTokens(ctx, old.userId, old.scopes, client.clientId) };
    }
    throw new OAuthError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  });

  defineClientOperation(app, ctx, { method: 'POST', path: '/2/oauth2/revoke' }, async (request) => {
    const client = authenticateClient(ctx, request);
    const raw = required(request, 'token');
    const token = state.tokens.get(raw);
    if (token && token.clientId === client.clientId) state.tokens.delete(raw);
    // RFC 7009 §2.2: an unknown token is not an error. The body is what X answers (third-party reports).
    return { status: 200, body: { revoked: true } };
  });
}
