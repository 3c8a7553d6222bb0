import { loadConfig, type Config } from '../../../src/config/index.js';
import type { LinkedInSandboxOptions } from '../../../src/sandbox/linkedin/index.js';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, getPost, settled, type PostJson } from '../../helpers/posts.js';

/** Every platform's default settings, with LinkedIn's made quick for tests (short timeout, given budget). */
export function fastLinkedIn(overrides: Partial<{ limit: number; perDay: number; timeoutMs: number }> = {}): Config['platforms'] {
  const platforms = loadConfig({ env: {} }).platforms as Record<string, Config['platforms'][string]>;
  return {
    ...platforms,
    linkedin: {
      ...platforms.linkedin!,
      timeoutMs: overrides.timeoutMs ?? 2000,
      writeBudget: { limit: overrides.limit ?? 600, windowSeconds: 60, perDay: overrides.perDay ?? 150 },
      outcomeWindowSeconds: 1,
    },
  } as Config['platforms'];
}

export async function startLinkedInPinion(
  sandbox: LinkedInSandboxOptions = {},
  config: { perDay?: number; timeoutMs?: number; accounts?: Partial<Config['accounts']> } = {},
): Promise<TestPinion> {
  const defaults = loadConfig({ env: {} });
  return startTestPinion({
    worker: true,
    sandboxes: { linkedin: { imageProcessingMs: 50, videoProcessingMs: 200, ...sandbox } as Record<string, unknown> },
    config: {
      scheduler: FAST_SCHEDULER,
      platforms: fastLinkedIn({ perDay: config.perDay, timeoutMs: config.timeoutMs }),
      accounts: { ...defaults.accounts, ...config.accounts },
    },
  });
}

/** Schedules a post for now to one LinkedIn account and waits until it settles. */
export async function publish(p: TestPinion, accountId: string, body: Record<string, unknown>): Promise<PostJson> {
  const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['linkedin'], accounts: [accountId], ...body } });
  const json = (await res.json()) as { id: string };
  if (res.status !== 201) throw new Error(`POST /api/v1/posts answered ${res.status}: ${JSON.stringify(json)}`);
  const [post] = await settled(p, [json.id]);
  return post!;
}

export { getPost };
