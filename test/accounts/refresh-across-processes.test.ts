import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';
import { TSX_LOADER } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/use-account.ts', import.meta.url));

function runProcess(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, FIXTURE, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('refresh across worker processes on PostgreSQL', () => {
  let p: TestPinion;
  beforeAll(async () => {
    // A slow token endpoint makes sure the two processes' refreshes overlap.
    p = await startTestPinion({ dialect: 'postgres', sandbox: { faults: { latencyMs: 1500, only: ['POST /v5/oauth/token'] } } });
  });
  afterAll(async () => p?.close());

  it('two processes needing an expiring token at the same moment make one refresh call', async () => {
    const account = await connectedAccount(p, 'two_workers');
    await p.store.db
      .updateTable('accounts')
      .set({ access_expires_at: Date.now() + 60_000 })
      .where('id', '=', account.id)
      .execute();
    const calls = p.sandbox!.stats().operations['POST /v5/oauth/token'] ?? 0;
    const env = {
      DATABASE_URL: p.config.databaseUrl,
      PINION_ENCRYPTION_KEYS: p.config.encryptionKeys.join(','),
      PINTEREST_API_BASE_URL: p.config.platforms.pinterest!.apiBaseUrl,
      PINTEREST_CLIENT_ID: 'pinion-sandbox',
      PINTEREST_CLIENT_SECRET: 'pinion-sandbox-secret',
      PINION_CONFIG: '',
    };
    const startAt = String(Date.now() + 4000);
    const [a, b] = await Promise.all([runProcess(env, [account.id, startAt]), runProcess(env, [account.id, startAt])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(p.sandbox!.stats().operations['POST /v5/oauth/token']).toBe(calls + 1);
    expect(JSON.parse(a.stdout).used).toBe(JSON.parse(b.stdout).used);
    const row = await p.store.db.selectFrom('accounts').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.token_version).toBe(1);
    expect(row.refresh_lock_until).toBeNull();
    expect(row.access_expires_at!).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });
});
