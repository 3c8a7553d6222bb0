import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIALECTS, freshDatabaseUrl } from '../helpers/stores.js';
import { pinion, pinionDaemon } from '../helpers/cli.js';

// Several CLI processes per test, each loading TypeScript: slow on a busy machine.
describe.each(DIALECTS)('pinion CLI on %s', { timeout: 90_000 }, (dialect) => {
  it('migrates, creates, lists and revokes keys', async () => {
    const db = await freshDatabaseUrl(dialect);
    const env = { DATABASE_URL: db.url, PINION_CONFIG: '' };
    try {
      const migrated = await pinion(['migrate', '--json'], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      expect(JSON.parse(migrated.stdout).applied).toContain('0001_workspaces_and_keys');
      expect(JSON.parse((await pinion(['migrate', '--json'], env)).stdout).applied).toEqual([]);

      const created = await pinion(['keys', 'create', '--workspace', 'shop', '--name', 'pipeline', '--scopes', 'posts,keys:read', '--json'], env);
      expect(created.code, created.stderr).toBe(0);
      const key = JSON.parse(created.stdout);
      expect(key.key).toMatch(/^pin_/);
      expect(key.scopes).toEqual(['posts:read', 'posts:write', 'keys:read']);
      expect(key.workspace).toMatchObject({ name: 'shop', created: true });

      const listed = await pinion(['keys', 'list', '--workspace', 'shop'], env);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(key.id);
      expect(listed.stdout).toContain('active');
      expect(listed.stdout).not.toContain(key.key);

      const revoked = await pinion(['keys', 'revoke', key.id], env);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect((await pinion(['keys', 'list', '--json'], env)).stdout).toMatch(/"revoked_at": "20/);
    } finally {
      await db.drop();
    }
  });
});

describe('pinion CLI', () => {
  it('explains a bad configuration and exits 2', async () => {
    const r = await pinion(['serve'], { PINION_PORT: 'abc', DATABASE_URL: 'mysql://nope', PINION_CONFIG: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid configuration/);
    expect(r.stderr).toMatch(/port: .*PINION_PORT/);
    expect(r.stderr).toMatch(/databaseUrl: .*DATABASE_URL/);
  });

  it('rejects unknown commands, scopes and flags with exit 2', async () => {
    expect((await pinion(['frobnicate'])).code).toBe(2);
    expect((await pinion(['serve', '--bogus'])).code).toBe(2);
    const dir = mkdtempSync(join(tmpdir(), 'pinion-cli-'));
    const r = await pinion(['keys', 'create', '--scopes', 'posts:delete'], { DATABASE_URL: `sqlite:${dir}/p.db` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown scope\(s\): posts:delete/);
  });

  it('`start` runs the embedded product and prints URLs and a working API key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-start-'));
    const d = await pinionDaemon(['start', '--port', '0'], /API key:\s+pin_\S+/, { PINION_CONFIG: '' }, dir);
    try {
      const out = d.stdout();
      const api = out.match(/API:\s+(\S+)/)![1]!;
      const docs = out.match(/Docs:\s+(\S+)/)![1]!;
      const key = out.match(/API key:\s+(pin_\S+)/)![1]!;
      expect(out).toMatch(/sqlite:.*data\/pinion\.db/);
      const ws = await fetch(`${api}/workspace`, { headers: { authorization: `Bearer ${key}` } });
      expect(await ws.json()).toMatchObject({ name: 'default' });
      expect((await fetch(docs)).status).toBe(200);
      expect(out).toMatch(/Sandbox:\s+\S+\/sandbox\/pinterest/);
      expect(d.stderr()).not.toContain(key);
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });

  it('`sandbox` serves every platform emulator on its own port, each under /sandbox/<platform>', async () => {
    const d = await pinionDaemon(['sandbox', '--port', '0', '--json'], /"url"/, { PINION_CONFIG: '' });
    try {
      const { sandboxes, client_id } = JSON.parse(d.stdout()) as { sandboxes: Record<string, string>; client_id: string };
      expect(client_id).toBe('pinion-sandbox');
      const url = sandboxes.pinterest!;
      const res = await fetch(`${url}/v5/user_account`);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
      expect((await fetch(`${url}/oauth/?client_id=pinion-sandbox&redirect_uri=http://127.0.0.1:9/cb&response_type=code&scope=pins:read`)).status).toBe(200);
      // Each emulator describes itself at its mount.
      for (const [platform, mount] of Object.entries(sandboxes)) {
        const doc = (await (await fetch(`${mount}/openapi.json`)).json()) as {
          info: { title: string };
          servers: Array<{ url: string }>;
          paths: Record<string, unknown>;
        };
        expect(doc.info.title, platform).toMatch(/ sandbox \(Pinion\)$/);
        expect(doc.servers[0]!.url).toBe(mount);
        expect(
          Object.keys(doc.paths).some((path) => path.startsWith('/_sandbox/')),
          platform,
        ).toBe(true);
      }
    } finally {
      expect(await d.stop()).toBe(0);
    }
  });

  it('`serve` and `worker` run against a migrated database and stop on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-serve-'));
    const env = { DATABASE_URL: `sqlite:${dir}/p.db`, PINION_CONFIG: '' };
    expect((await pinion(['migrate'], env)).code).toBe(0);
    const api = await pinionDaemon(['serve', '--port', '0', '--json'], /"url"/, env);
    const worker = await pinionDaemon(['worker', '--json'], /"worker": true/, env);
    try {
      const { url } = JSON.parse(api.stdout());
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      expect(await api.stop()).toBe(0);
      expect(await worker.stop()).toBe(0);
    }
  });
});
