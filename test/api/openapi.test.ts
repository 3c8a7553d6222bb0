import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

describe('OpenAPI document and docs page', () => {
  let p: TestPinion;
  beforeAll(async () => {
    // With the sandboxes mounted: their routes must stay out of the product's document.
    p = await startTestPinion({ sandbox: {} });
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

  it('names every operation, declares every error as problem+json and leaves the sandboxes and compatibility APIs out', async () => {
    const doc = await (await fetch(`${p.url}/openapi.json`)).json();
    expect(doc.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/sandbox') || path.startsWith('/compat'))).toEqual([]);
    const ids: string[] = [];
    for (const [path, methods] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        ids.push(op.operationId);
        expect(op.description, `${method} ${path}`).toBeTruthy();
        const errors = Object.entries<any>(op.responses).filter(([status]) => /^[45]/.test(status) || status === 'default');
        expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [status, response] of errors)
          expect(response.content['application/problem+json'].schema, `${method} ${path} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
        if (path.startsWith('/api/v1/')) expect(op.security).toEqual([{ bearerAuth: [] }]);
        else expect(op.security, `${method} ${path}`).toEqual([]);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['createPost', 'listPosts', 'getPost', 'cancelPost', 'createPosts', 'importPosts', 'listAccounts', 'connectAccount']),
    );
    const create = doc.paths['/api/v1/posts'].post;
    expect(create.responses['401'].content['application/problem+json']).toBeDefined();
    expect(create.requestBody.content['application/json'].example).toMatchObject({ content: expect.any(String), platforms: [expect.any(String)] });
    const csv = doc.paths['/api/v1/posts:import'].post.requestBody;
    expect(csv.required).toBe(true);
    expect(csv.content['text/csv'].schema).toEqual({ type: 'string' });
  });

  it("passes Redocly's recommended ruleset with no errors", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-openapi-'));
    const file = join(dir, 'openapi.json');
    writeFileSync(file, await (await fetch(`${p.url}/openapi.json`)).text());
    // The installed CLI when the project has it, else the published one (fetched once into npm's cache).
    const local = resolve(import.meta.dirname, '../../node_modules/.bin/redocly');
    const [cmd, args] = existsSync(local) ? [local, []] : ['npx', ['-y', '@redocly/cli@2']];
    const run = await promisify(execFile)(cmd, [...args, 'lint', file, '--format=json'], { maxBuffer: 64 * 1024 * 1024 }).catch((err) => err);
    const report = JSON.parse(run.stdout);
    const errors = report.problems
      .filter((x: { severity: string }) => x.severity === 'error')
      .map((x: { ruleId: string; message: string }) => `${x.ruleId}: ${x.message}`);
    expect(errors).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it('serves a docs page', async () => {
    const res = await fetch(`${p.url}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/swagger/i);
  });
});
