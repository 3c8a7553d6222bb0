import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinionDaemon } from './cli.js';
import type { TestPinion } from './pinion.js';
import { FAST_SCHEDULER } from './posts.js';

/**
 * Starts `pinion worker` processes against the test's database and embedded sandbox, the way an
 * operator runs extra workers: same database URL, same encryption keys, own processes.
 */
export async function startWorkers(
  p: TestPinion,
  count: number,
  overrides: { scheduler?: Partial<typeof FAST_SCHEDULER>; writeBudget?: { limit: number; windowSeconds: number; perDay: number } } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'pinion-worker-'));
  const file = join(dir, 'pinion.config.json');
  writeFileSync(
    file,
    JSON.stringify({
      databaseUrl: p.config.databaseUrl,
      encryptionKeys: p.config.encryptionKeys,
      logLevel: 'warn',
      scheduler: { ...FAST_SCHEDULER, ...overrides.scheduler },
      // Workers fetch the media posts name (the media preflight): the same hosts allowed as the API's.
      media: { fetchAllowHosts: p.config.media.fetchAllowHosts },
      platforms: {
        ...p.config.platforms,
        pinterest: { ...p.config.platforms.pinterest!, ...(overrides.writeBudget && { writeBudget: overrides.writeBudget }) },
      },
    }),
  );
  const workers = await Promise.all(Array.from({ length: count }, () => pinionDaemon(['worker', '--json'], /"worker": true/, { PINION_CONFIG: file })));
  return {
    workers,
    file,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
