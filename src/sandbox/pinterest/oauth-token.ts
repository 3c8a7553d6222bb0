import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { defineOperation } from './operation.js';
import { issueTokenPair, parseScopes } from './tokens.js';

function formField(body: unknown, name: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

export function registerTokenRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  // Production answers every refused grant (unknown, used, expired or revoked code or refresh token) with 401 code 283.
  const refusedGrant = (detail: string) => (ctx.options.tokenErrors === 'rfc6749' ? errors.invalidGrant(detail) : errors.grantInvalid());
  defineOperation(app, ctx, { method: 'POST', path: '/oauth/token', category: 'org_read', scopes: [], auth: 'client' }, async ({ request, app: client }) => {
    const grantType = formField(request.body, 'grant_type');
    const { state } = ctx;
    if (grantType === 'authorization_code') {
      const code = formField(request.body, 'code');
      const redirectUri = formField(request.body, 'redirect_uri');
      if (!code || !redirectUri) throw errors.invalidTokenRequest('code and redirect_uri are required');
      const grant = state.authorizationCodes.get(code);
      // Single use: a code is gone after its first exchange attempt, successful or not.
      if (grant) state.authorizationCodes.delete(code);
      if (!grant || grant.clientId !== client.clientId) throw refusedGrant('authorization code is invalid');
      if (grant.expiresAt <= Date.now()) throw refusedGrant('authorization code has expired');
      if (grant.redirectUri !== redirectUri) throw refusedGrant('redirect_uri does not match the authorization request');
      return { status: 200, body: issueTokenPair(ctx, grant.userId, grant.scopes, client.clientId, 'authorization_code') };
    }
    if (grantType === 'refresh_token') {
      const raw = formField(request.body, 'refresh_token');
      if (!raw) throw errors.invalidTokenRequest('refresh_token is required');
      const old = state.tokens.get(raw);
      if (!old || old.kind !== 'refresh' || old.clientId !== client.clientId) throw refusedGrant('refresh token is invalid');
      if (old.expiresAt <= Date.now()) {
        state.tokens.delete(raw);
        throw refusedGrant('refresh token has expired');
      }
      let scopes = old.scopes;
      const requested = formField(request.body, 'scope');
      if (requested !== undefined) {
        const narrowed = parseScopes(requested);
        if (!narrowed.every((s) => old.scopes.includes(s))) throw refusedGrant('scope exceeds the original grant');
        scopes = narrowed;
      }
      // Rotation: the presented refresh token dies the moment a new one is issued.
      state.tokens.delete(raw);
      return { status: 200, body: issueTokenPair(ctx, old.userId, scopes, client.clientId, 'refresh_token') };
    }
    if (grantType === 'client_credentials') {
      throw errors.invalidTokenRequest('grant_type client_credentials is not emulated by the sandbox');
    }
    throw errors.invalidTokenRequest('grant_type must be authorization_code or refresh_token');
  });

  defineOperation(
    app,
    ctx,
    { method: 'POST', path: '/oauth/token/revoke', category: 'org_write', scopes: [], auth: 'client' },
    async ({ request, app: client }) => {
      const raw = formField(request.body, 'token');
      if (!raw) throw errors.invalidTokenRequest('token is required');
      const token = ctx.state.tokens.get(raw);
      if (token && token.clientId === client.clientId) ctx.state.tokens.delete(raw);
      // Like RFC 7009, an unknown token is not an error: the caller's goal (token unusable) holds either way.
      return { status: 200 };
    },
  );
}
