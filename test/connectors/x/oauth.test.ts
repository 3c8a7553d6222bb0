import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformConfig } from '../../../src/connectors/contract.js';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { xConnector } from '../../../src/connectors/x/index.js';
import { send, startServer } from './server.js';

const b64url = (b: Buffer) => b.toString('base64url');

describe('X OAuth 2.0 with PKCE (confidential client)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  /** The grant this fake X knows: codes map to their PKCE challenge; refresh tokens rotate. */
  const challenges = new Map<string, string>();
  let liveRefresh = 'refresh-1';
  let clientSecret = 'secret';
  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.path === '/2/oauth2/token' || req.path === '/2/oauth2/revoke') {
        if (req.headers.authorization !== `Basic ${Buffer.from(`client-1:${clientSecret}`).toString('base64')}`) {
          return send(res, 401, { error: 'invalid_client', error_description: 'Missing valid authorization header' });
        }
        const form = new URLSearchParams(req.body);
        if (req.path === '/2/oauth2/revoke') return send(res, 200, { revoked: true });
        if (form.get('grant_type') === 'authorization_code') {
          const challenge = challenges.get(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          if (!challenge || challenge !== b64url(createHash('sha256').update(verifier).digest()) || form.get('redirect_uri') !== 'https://pinion.example/cb') {
            return send(res, 400, { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
          }
          return send(res, 200, {
            token_type: 'bearer',
            expires_in: 7200,
            access_token: 'access-1',
            scope: 'tweet.read tweet.write users.read media.write offline.access',
            refresh_token: liveRefresh,
          });
        }
        if (form.get('grant_type') === 'refresh_token') {
          if (form.get('refresh_token') !== liveRefresh)
            return send(res, 400, { error: 'invalid_grant', error_description: 'Value passed for the token was invalid.' });
          liveRefresh = `refresh-${Number(liveRefresh.split('-')[1]) + 1}`;
          return send(res, 200, {
            token_type: 'bearer',
            expires_in: 7200,
            access_token: 'access-2',
            scope: 'tweet.read tweet.write users.read media.write offline.access',
            refresh_token: liveRefresh,
          });
        }
      }
      if (req.path === '/2/users/me' && req.headers.authorization === 'Bearer access-1') {
        return send(res, 200, {
          data: { id: '2244994945', name: 'Pinion Shop', username: 'pinion_shop', profile_image_url: 'https://pbs.twimg.com/p.jpg', verified_type: 'none' },
        });
      }
      send(res, 404, { title: 'Not Found Error', type: 'https://api.x.com/2/problems/resource-not-found', detail: req.path });
    });
  });
  afterAll(() => server.close());

  const config = (): PlatformConfig => ({
    clientId: 'client-1',
    clientSecret: 'secret',
    apiBaseUrl: server.url,
    authorizeUrl: 'https://x.com/i/oauth2/authorize',
    timeoutMs: 5000,
    writeBudget: { limit: 300, windowSeconds: 10800, perDay: 0 },
    outcomeWindowSeconds: 120,
  });

  it('sends the person to X with the S256 challenge, the scopes space-separated and the state', () => {
    const url = new URL(xConnector.oauth(config()).authorizeUrl({ redirectUri: 'https://pinion.example/cb', state: 'st4te', codeChallenge: 'abcDEF_-123' }));
    expect(`${url.origin}${url.pathname}`).toBe('https://x.com/i/oauth2/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client-1',
      redirect_uri: 'https://pinion.example/cb',
      scope: 'tweet.read tweet.write users.read media.write offline.access',
      state: 'st4te',
      code_challenge: 'abcDEF_-123',
      code_challenge_method: 'S256',
    });
  });

  it('exchanges the code with its verifier, identifies the account, refreshes with rotation and revokes', async () => {
    const flow = xConnector.oauth(config());
    const verifier = b64url(randomBytes(32));
    challenges.set('code-1', b64url(createHash('sha256').update(verifier).digest()));
    const before = Date.now();
    const tokens = await flow.exchangeCode({ code: 'code-1', redirectUri: 'https://pinion.example/cb', codeVerifier: verifier });
    expect(tokens).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      scopes: ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'],
      refreshExpiresAt: null,
    });
    expect(tokens.accessExpiresAt!.getTime()).toBeGreaterThanOrEqual(before + 7200_000);

    await expect(flow.identify('access-1')).resolves.toEqual({
      externalId: '2244994945',
      username: 'pinion_shop',
      displayName: 'Pinion Shop',
      avatarUrl: 'https://pbs.twimg.com/p.jpg',
      accountType: 'none',
    });

    const refreshed = await flow.refresh('refresh-1');
    expect(refreshed.refreshToken).toBe('refresh-2');
    // The used refresh token is dead now: refusing it means the grant is gone for Pinion.
    const dead = await flow.refresh('refresh-1').catch((e: ConnectorError) => e);
    expect(dead).toMatchObject({ kind: 'auth_revoked' });

    await expect(flow.revoke!('access-2')).resolves.toBe(true);
    const revoke = server.received.find((r) => r.path === '/2/oauth2/revoke')!;
    expect(new URLSearchParams(revoke.body).get('token')).toBe('access-2');
  });

  it('a wrong verifier is refused, not accepted', async () => {
    challenges.set('code-2', b64url(createHash('sha256').update('the-right-one').digest()));
    const e = await xConnector
      .oauth(config())
      .exchangeCode({ code: 'code-2', redirectUri: 'https://pinion.example/cb', codeVerifier: 'another' })
      .catch((err: ConnectorError) => err);
    expect(e).toMatchObject({ kind: 'rejected' });
  });

  it('a refused client secret is a misconfiguration, never a revoked account', async () => {
    clientSecret = 'rotated-by-the-operator';
    try {
      const e = await xConnector
        .oauth(config())
        .refresh(liveRefresh)
        .catch((err: ConnectorError) => err);
      expect(e).toBeInstanceOf(ConnectorError);
      expect((e as ConnectorError).kind).toBe('misconfigured');
      expect((e as ConnectorError).retryable).toBe(false);
    } finally {
      clientSecret = 'secret';
    }
  });

  it('without app credentials, says X is not configured', () => {
    expect(() => xConnector.oauth({ ...config(), clientId: undefined })).toThrow(expect.objectContaining({ kind: 'misconfigured' }));
  });
});
