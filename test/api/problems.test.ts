import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

describe('errors are application/problem+json naming each bad field', () => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion({ config: { bodyLimitBytes: 4096 } });
  });
  afterAll(async () => p?.close());

  it('names every bad field of a body at once, including unknown fields', async () => {
    const res = await p.api('POST', '/api/v1/keys', { body: { name: '', scopes: ['posts:read', 'bogus'], schedule_at: 'x' } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await res.json();
    expect(problem).toMatchObject({ type: 'urn:pinion:problem:validation', status: 422 });
    const fields = problem.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['name', 'schedule_at', 'scopes.1']);
    expect(problem.errors.find((e: { field: string }) => e.field === 'schedule_at').message).toBe('is not a known field');
  });

  it('reports a missing required field by name', async () => {
    const problem = await (await p.api('POST', '/api/v1/keys', { body: {} })).json();
    expect(problem.errors).toEqual([{ field: 'name', message: 'is required' }]);
  });

  it('answers malformed JSON with 400 and loses nothing already stored', async () => {
    const before = await (await p.api('GET', '/api/v1/keys')).json();
    const res = await p.api('POST', '/api/v1/keys', { body: '{"name": ' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await (await p.api('GET', '/api/v1/keys')).json()).toEqual(before);
  });

  it('refuses a body over the configured limit with 413', async () => {
    const res = await p.api('POST', '/api/v1/keys', { body: { name: 'x'.repeat(10_000) } });
    expect(res.status).toBe(413);
    expect((await res.json()).type).toBe('urn:pinion:problem:body-too-large');
  });

  it('refuses an unsupported content type with 415', async () => {
    const res = await p.api('POST', '/api/v1/keys', { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await p.api('GET', '/api/v1/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).title).toBe('Not Found');
  });
});
