import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinion, pinionDaemon } from '../helpers/cli.js';

describe('`pinion start` restarted', { timeout: 180_000 }, () => {
  it('prints the same key with its id, and leaves the sandbox account active with its board', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-restart-'));
    const start = () => pinionDaemon(['start', '--port', '0', '--json'], /"api_key"/, { PINION_CONFIG: '' }, dir);
    const first = await start();
    let before: { api: string; api_key: string; api_key_id: string };
    try {
      before = JSON.parse(first.stdout());
      expect(before.api_key_id).toMatch(/^key_/);
      const env = { PINION_API_KEY: before.api_key, PINION_API_URL: before.api.replace(/\/api\/v1$/, '') };
      const connected = await pinion(['accounts', 'connect', 'pinterest', '--sandbox-approve', 'keeper', '--json'], env);
      expect(connected.code, connected.stderr).toBe(0);
      const account = JSON.parse(connected.stdout) as { id: string };
      const board = await fetch(`${before.api}/accounts/${account.id}/boards`, {
        method: 'POST',
        headers: { authorization: `Bearer ${before.api_key}`, 'content-type': 'application/json' },
        body: '{"name":"Kept"}',
      });
      expect(board.status).toBe(201);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const saved = join(dir, 'data', 'sandbox-pinterest.json');
    expect(existsSync(saved)).toBe(true);
    expect(statSync(saved).mode & 0o077).toBe(0);
    expect(statSync(join(dir, 'data', 'start-key.json')).mode & 0o077).toBe(0);

    const second = await start();
    try {
      const after = JSON.parse(second.stdout()) as { api: string; api_key: string; api_key_id: string };
      expect(after.api_key).toBe(before.api_key);
      expect(after.api_key_id).toBe(before.api_key_id);
      const call = (path: string) => fetch(`${after.api}${path}`, { headers: { authorization: `Bearer ${after.api_key}` } });
      const [account] = (await (await call('/accounts')).json()).data;
      // Checked with the sandbox now: its token still works there.
      expect(await (await call(`/accounts/${account.id}/status`)).json()).toMatchObject({ username: 'keeper', status: 'active' });
      const boards = (await (await call(`/accounts/${account.id}/boards?refresh=true`)).json()).data;
      expect(boards.map((b: { name: string }) => b.name)).toEqual(['Kept']);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
