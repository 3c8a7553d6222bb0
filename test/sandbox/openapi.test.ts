import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/connectors/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

type Operation = { operationId: string; summary: string; description: string; tags: string[]; security: unknown[]; responses: Record<string, unknown> };
type Document = {
  openapi: string;
  info: { title: string; license: unknown };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
};

const PLATFORMS = CONNECTORS.filter((c) => c.sandbox).map((c) => c.facts);

/** The routes an emulator registers, seen from outside by a Fastify hook: what its document must list. */
async function registeredRoutes(platform: string): Promise<string[]> {
  const app = Fastify();
  const seen: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') seen.push(`${m} ${r.url.slice(`/sandbox/${platform}`.length).replace(/:(\w+)/g, '{$1}')}`);
  });
  const emulator = (await CONNECTORS.find((c) => c.facts.id === platform)!.sandbox!.load()).create({});
  await app.register(emulator.plugin, { prefix: `/sandbox/${platform}` });
  await app.ready();
  await app.close();
  return seen;
}

describe('each sandbox’s own OpenAPI document', () => {
  let p: TestPinion;
  const docs = new Map<string, Document>();
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    for (const { id } of PLATFORMS) {
      const res = await fetch(`${p.url}/sandbox/${id}/openapi.json`);
      expect(res.status, id).toBe(200);
      docs.set(id, (await res.json()) as Document);
    }
  });
  afterAll(async () => p?.close());

  it('is served at /sandbox/<platform>/openapi.json under pinion start, titled and pointed at its mount', () => {
    expect([...docs.keys()].sort()).toEqual(['facebook', 'instagram', 'linkedin', 'pinterest', 'threads', 'tiktok', 'x', 'youtube']);
    for (const { id, name } of PLATFORMS) {
      const doc = docs.get(id)!;
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info.title).toBe(`${name} sandbox (Pinion)`);
      expect(doc.servers).toEqual([expect.objectContaining({ url: `${p.url}/sandbox/${id}` })]);
    }
  });

  it('names and describes every route once, the sandbox controls tagged apart and needing no token', () => {
    for (const [id, doc] of docs) {
      const ids: string[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          ids.push(op.operationId);
          expect(op.operationId, `${id} ${method} ${path}`).toMatch(/^[a-z][A-Za-z]+$/);
          expect(op.description.length, `${id} ${method} ${path}`).toBeGreaterThan(15);
          expect(op.responses['200'], `${id} ${method} ${path}`).toBeDefined();
          if (path.startsWith('/_sandbox/')) {
            expect(op.tags, `${id} ${path}`).toEqual(['sandbox']);
            expect(op.security).toEqual([]);
          }
        }
      }
      expect(new Set(ids).size, id).toBe(ids.length);
      expect(
        doc.tags.map((t) => t.name),
        id,
      ).toContain('sandbox');
      expect(Object.keys(doc.paths).filter((path) => path.startsWith('/_sandbox/')).length, id).toBeGreaterThan(3);
    }
  });

  it('lists every route the emulator registers', async () => {
    for (const { id } of PLATFORMS) {
      const listed = Object.entries(docs.get(id)!.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
      const registered = (await registeredRoutes(id)).filter((r) => !r.endsWith(' /*'));
      expect(listed, id).toEqual(expect.arrayContaining(registered));
      // The Graph answers its routes behind one wildcard; its document lists its own table, read above.
      if (registered.length > 1) expect(listed.length, id).toBe(new Set(registered).size);
    }
    expect(Object.keys(docs.get('instagram')!.paths)).toEqual(
      expect.arrayContaining(['/{id}/media', '/{id}/media_publish', '/oauth/authorize', '/_sandbox/state']),
    );
  });

  it('leaves the product’s document free of sandbox routes', async () => {
    const product = (await (await fetch(`${p.url}/openapi.json`)).json()) as Document;
    expect(Object.keys(product.paths).filter((path) => path.startsWith('/sandbox'))).toEqual([]);
    const sandboxIds = new Set([...docs.values()].flatMap((d) => Object.values(d.paths).flatMap((m) => Object.values(m).map((op) => op.operationId))));
    expect(product.info.title).toBe('Pinion API');
    expect(sandboxIds.size).toBeGreaterThan(50);
  });

  it("passes Redocly's recommended ruleset with no errors", { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-sandbox-openapi-'));
    const local = resolve(import.meta.dirname, '../../node_modules/.bin/redocly');
    const [cmd, args] = existsSync(local) ? [local, []] : ['npx', ['-y', '@redocly/cli@2']];
    const errors: string[] = [];
    for (const [id, doc] of docs) {
      const file = join(dir, `${id}.json`);
      writeFileSync(file, JSON.stringify(doc));
      // TikTok's and Pinterest's real paths end in a slash (`/v2/post/publish/video/init/`, `/oauth/`): kept as the platforms have them.
      const run = await promisify(execFile)(cmd, [...args, 'lint', file, '--format=json', '--skip-rule=no-path-trailing-slash'], {
        maxBuffer: 64 * 1024 * 1024,
      }).catch((err) => err);
      const report = JSON.parse(run.stdout) as { totals: { errors: number }; problems: Array<{ severity: string; ruleId: string; message: string }> };
      errors.push(...report.problems.filter((x) => x.severity === 'error').map((x) => `${id}: ${x.ruleId}: ${x.message}`));
      expect(report.totals.errors, id).toBe(0);
    }
    expect(errors).toEqual([]);
  });
});
