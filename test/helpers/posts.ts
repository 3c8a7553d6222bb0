import { expect } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startImageServer } from '../sandbox/pinterest/support.js';
import { connectedAccount } from './connect.js';
import type { TestPinion } from './pinion.js';

export { startImageServer };

/** A connected Pinterest account with a board, ready to post to. */
export async function pinterestAccount(p: TestPinion, username = 'shop', board = 'Products', key?: string) {
  const account = await connectedAccount(p, username, key);
  const res = await p.api('POST', `/api/v1/accounts/${account.id}/boards`, { key, body: { name: board } });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { id: string; name: string };
  const user = p.sandbox!.state.findUserByUsername(username)!;
  return { account, board: created, sandboxUserId: user.id };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface PostJson {
  id: string;
  status: string;
  scheduled_at: string;
  deliveries: Array<{
    id: string;
    platform: string;
    status: string;
    attempts: number;
    next_attempt_at: string | null;
    external_id: string | null;
    url: string | null;
    adopted: boolean;
    published_at: string | null;
    last_error: { kind: string; message: string } | null;
    payload: Record<string, unknown>;
    check_until: string | null;
    duplicates: Array<{ external_id: string; url: string; removed: boolean }>;
    warning: string | null;
  }>;
}

export async function getPost(p: TestPinion, id: string, key?: string): Promise<PostJson> {
  return (await (await p.api('GET', `/api/v1/posts/${id}`, { key })).json()) as PostJson;
}

/** Waits until every post given is finished (published, failed or cancelled everywhere). */
export async function settled(p: TestPinion, ids: string[], timeoutMs = 30_000): Promise<PostJson[]> {
  return waitFor(
    async () => {
      const posts = await Promise.all(ids.map((id) => getPost(p, id)));
      return posts.every((x) => ['published', 'failed', 'cancelled', 'partially_published'].includes(x.status)) ? posts : undefined;
    },
    `${ids.length} posts to settle`,
    timeoutMs,
  );
}

/** Scheduler settings that make tests quick: fast polling, short leases and retries. */
export const FAST_SCHEDULER = {
  pollIntervalMs: 50,
  concurrency: 8,
  leaseSeconds: 2,
  maxAttempts: 8,
  retryBaseSeconds: 0.05,
  retryMaxSeconds: 0.4,
  unknownOutcomeGiveUpSeconds: 86_400,
};

/** Every platform's default settings, with Pinterest's made quick for tests (short timeout, given budget). */
export function fastPinterest(
  overrides: Partial<{ limit: number; windowSeconds: number; perDay: number; timeoutMs: number; outcomeWindowSeconds: number }> = {},
): Config['platforms'] {
  const platforms = loadConfig({ env: {} }).platforms;
  return {
    ...platforms,
    pinterest: {
      ...platforms.pinterest!,
      timeoutMs: overrides.timeoutMs ?? 1500,
      writeBudget: { limit: overrides.limit ?? 90, windowSeconds: overrides.windowSeconds ?? 60, perDay: overrides.perDay ?? 0 },
      // The sandbox commits at once (unless told to commit late): a short window keeps retries quick.
      outcomeWindowSeconds: overrides.outcomeWindowSeconds ?? 1,
    },
  };
}
