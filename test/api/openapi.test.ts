import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

describe('OpenAPI document and docs page', () => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion();
  });
  afterAll(async () => p?.close());

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await fetch(`${p.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe(p.url);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const create = doc.paths['/api/v1/keys'].post;
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['name']);
    // The multipart upload documents its file field, though the JSON validator never reads it.
    const upload = doc.paths['/api/v1/media'].post.requestBody.content['multipart/form-data'].schema;
    expect(upload).toMatchObject({ required: ['file'], properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } } });
    expect(doc.paths['/healthz']).toBeDefined();
    expect(doc.paths['/metrics']).toBeUndefined();
  });

  it('serves a docs page', async () => {
    const res = await fetch(`${p.url}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/swagger/i);
  });
});
