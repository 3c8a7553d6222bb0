import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

describe('health, readiness and metrics', () => {
  let p: TestPinion | undefined;
  afterEach(async () => p?.close());

  it('is live and ready on a migrated store, and counts requests by route template', async () => {
    p = await startTestPinion();
    expect(await (await fetch(`${p.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${p.url}/readyz`)).json()).toEqual({ status: 'ready' });
    await p.api('DELETE', '/api/v1/keys/key_doesnotexist');
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toMatch(/pinion_http_requests_total\{method="DELETE",route="\/api\/v1\/keys\/:id",status="404"\} 1/);
    expect(metrics).toMatch(/pinion_process_resident_memory_bytes/);
    expect(metrics).not.toContain('key_doesnotexist');
  });

  it('is not ready while migrations are pending, and becomes ready after `migrate`', async () => {
    p = await startTestPinion({ migrate: false });
    const res = await fetch(`${p.url}/readyz`);
    expect(res.status).toBe(503);
    expect((await res.json()).detail).toMatch(/Pending migrations: 0001/);
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    await migrateToLatest(p.store);
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
  });
});
