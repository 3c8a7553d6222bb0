import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

describe('logs never contain secrets', () => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion();
  });
  afterAll(async () => p?.close());

  it('logs requests without API keys, created keys or credentials in query strings', async () => {
    const created = await (await p.api('POST', '/api/v1/keys', { body: { name: 'leak-check' } })).json();
    await p.api('GET', '/api/v1/workspace', { key: created.key });
    await p.api('GET', '/api/v1/nothing?code=oauth-code-123&state=st-456&refresh_token=pinr_789&page=2');
    p.log.info({ access_token: 'pina_secret', nested: { refresh_token: 'pinr_secret2' } }, 'token event');
    await new Promise((r) => setTimeout(r, 50));
    const all = p.logs.join('');
    expect(all).toContain('/api/v1/nothing?');
    expect(all).toContain('page=2');
    for (const secret of [p.apiKey, created.key, 'oauth-code-123', 'st-456', 'pinr_789', 'pina_secret', 'pinr_secret2']) {
      expect(all).not.toContain(secret);
    }
  });

  it('writes one line per answered request with its id, method, URL, status and time', async () => {
    const res = await p.api('GET', '/api/v1/workspace?page=3');
    await new Promise((r) => setTimeout(r, 50));
    const lines = p.logs
      .join('')
      .split('\n')
      .filter((l) => l.includes('"request completed"'))
      .map((l) => JSON.parse(l));
    const line = lines.find((l) => l.req?.url === '/api/v1/workspace?page=3');
    expect(line, JSON.stringify(lines.slice(-3))).toMatchObject({
      level: 30,
      reqId: res.headers.get('x-request-id'),
      req: { method: 'GET', url: '/api/v1/workspace?page=3' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });
});
