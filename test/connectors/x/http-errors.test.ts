import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { callX } from '../../../src/connectors/x/index.js';
import { send, startServer } from './server.js';

/** X's error answers, as its docs and OpenAPI show them, and the kind each must become. */
describe('X HTTP failures are classified once, by kind', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const reset = Math.floor(Date.UTC(2031, 0, 1, 12, 15) / 1000);
  beforeAll(async () => {
    server = await startServer((req, res) => {
      switch (req.path) {
        case '/2/limited':
          return send(
            res,
            429,
            { errors: [{ code: 88, message: 'Rate limit exceeded' }] },
            { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
          );
        case '/2/tweets':
          if (req.body.includes('duplicate')) {
            return send(
              res,
              403,
              { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 },
              { 'content-type': 'application/problem+json' },
            );
          }
          if (req.body.includes('drop')) return res.socket?.destroy();
          if (req.body.includes('gateway')) return send(res, 504, { title: 'Gateway Timeout', detail: 'upstream', type: 'about:blank' });
          if (req.body.includes('busy')) return send(res, 503, { title: 'Service Unavailable', detail: 'Over capacity', type: 'about:blank' });
          if (req.body.includes('slow')) return; // never answers
          return send(res, 400, {
            errors: [{ parameters: { text: [''] }, message: 'text must not be empty' }],
            title: 'Invalid Request',
            detail: 'One or more parameters to your request was invalid.',
            type: 'https://api.x.com/2/problems/invalid-request',
          });
        case '/2/users/me':
          return send(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
        case '/2/users/1/tweets':
          return res.socket?.destroy();
        case '/2/tweets/9':
          return send(res, 404, {
            errors: [{ detail: 'Could not find tweet with id: [9].', title: 'Not Found Error', type: 'https://api.x.com/2/problems/resource-not-found' }],
            title: 'Not Found Error',
            type: 'https://api.x.com/2/problems/resource-not-found',
          });
        case '/2/media/upload/initialize':
          return send(res, 500, { title: 'Internal Error', detail: 'boom', type: 'https://api.x.com/2/problems/internal-error' });
        case '/2/forbidden-app':
          return send(
            res,
            403,
            {
              title: 'Client Forbidden',
              detail: 'This request must be made using an approved developer account that is enrolled in the requested endpoint.',
              type: 'https://api.x.com/2/problems/client-forbidden',
              reason: 'client-not-enrolled',
            },
            { 'content-type': 'application/problem+json' },
          );
        case '/2/oauth2/token':
          if (req.body.includes('grant_type=refresh_token'))
            return send(res, 400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
          return send(res, 401, { error: 'invalid_client', error_description: 'Missing valid authorization header' });
        default:
          return send(res, 200, { data: { ok: true } });
      }
    });
  });
  afterAll(() => server.close());

  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, json?: unknown, timeoutMs = 2000): Promise<ConnectorError> => {
    try {
      await callX({ apiBaseUrl: server.url, timeoutMs }, { method, path, auth: { bearer: 'token' }, json });
    } catch (err) {
      expect(err).toBeInstanceOf(ConnectorError);
      return err as ConnectorError;
    }
    throw new Error(`${method} ${path} did not fail`);
  };

  it('429: rate_limited until x-rate-limit-reset (epoch seconds)', async () => {
    const e = await call('GET', '/2/limited');
    expect(e.kind).toBe('rate_limited');
    expect(e.details.retryAt?.getTime()).toBe(reset * 1000);
    expect(e.details.platformCode).toBe(88);
    expect(e.message).toContain('Rate limit exceeded');
  });

  it('403 duplicate content: rejected, with X’s words', async () => {
    const e = await call('POST', '/2/tweets', { text: 'duplicate' });
    expect(e.kind).toBe('rejected');
    expect(e.message).toContain('duplicate content');
    expect(e.retryable).toBe(false);
  });

  it('400 invalid request: rejected, naming the problem and its detail', async () => {
    const e = await call('POST', '/2/tweets', { text: '' });
    expect(e.kind).toBe('rejected');
    expect(e.message).toBe('X POST /2/tweets: One or more parameters to your request was invalid: text must not be empty');
  });

  it('401: auth_expired (refresh and try again)', async () => {
    expect((await call('GET', '/2/users/me')).kind).toBe('auth_expired');
  });

  it('404: not_found', async () => {
    expect((await call('DELETE', '/2/tweets/9')).kind).toBe('not_found');
  });

  it('5xx: retryable, except a gateway error on a post write, which may have made the post', async () => {
    expect((await call('POST', '/2/media/upload/initialize', {})).kind).toBe('retryable');
    expect((await call('POST', '/2/tweets', { text: 'busy' })).kind).toBe('retryable');
    expect((await call('POST', '/2/tweets', { text: 'gateway' })).kind).toBe('unknown_outcome');
  });

  it('a connection dropped on POST /2/tweets: unknown_outcome; on a read: retryable', async () => {
    expect((await call('POST', '/2/tweets', { text: 'drop' })).kind).toBe('unknown_outcome');
    expect((await call('GET', '/2/users/1/tweets')).kind).toBe('retryable');
  });

  it('a timeout on POST /2/tweets: unknown_outcome', async () => {
    const e = await call('POST', '/2/tweets', { text: 'slow' }, 200);
    expect(e.kind).toBe('unknown_outcome');
    expect(e.message).toContain('timed out');
  });

  it('403 client-forbidden (the app lacks access): misconfigured, not the account’s fault', async () => {
    const e = await call('GET', '/2/forbidden-app');
    expect(e.kind).toBe('misconfigured');
    expect(e.retryable).toBe(false);
  });

  it('the token endpoint: invalid_client is misconfigured, other refusals rejected', async () => {
    const form = (f: Record<string, string>) =>
      callX({ apiBaseUrl: server.url }, { method: 'POST', path: '/2/oauth2/token', auth: { basic: ['id', 'secret'] }, form: f }).catch(
        (e: ConnectorError) => e,
      );
    expect(((await form({ grant_type: 'authorization_code', code: 'c' })) as ConnectorError).kind).toBe('misconfigured');
    expect(((await form({ grant_type: 'refresh_token', refresh_token: 'r' })) as ConnectorError).kind).toBe('rejected');
  });

  it('a success returns the parsed body', async () => {
    await expect(callX({ apiBaseUrl: server.url }, { method: 'GET', path: '/2/fine', auth: { bearer: 't' } })).resolves.toEqual({ data: { ok: true } });
  });
});
