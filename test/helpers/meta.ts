import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import sharp from 'sharp';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { MetaSandbox } from '../../src/sandbox/meta/index.js';
import type { TestPinion } from './pinion.js';

/**
 * The three Meta mounts sharing one world of their own (a fresh key per test instance), with
 * containers processed quickly.
 */
export function metaSandboxes(options: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
  const world = `test-${randomBytes(6).toString('hex')}`;
  const shared = { world, imageProcessingMs: 50, videoProcessingMs: 200, ...options };
  return { facebook: shared, instagram: shared, threads: shared };
}

/** Every platform's defaults, with Meta's and Pinterest's budgets and timeouts made quick for tests. */
export function fastPlatforms(overrides: { timeoutMs?: number; outcomeWindowSeconds?: number } = {}): Config['platforms'] {
  const platforms = loadConfig({ env: {} }).platforms;
  const quick = (id: string) => ({
    ...platforms[id]!,
    timeoutMs: overrides.timeoutMs ?? 2000,
    writeBudget: { limit: 600, windowSeconds: 60, perDay: 0 },
    // The emulators answer or drop at once, never commit late: a short window keeps retries quick.
    outcomeWindowSeconds: overrides.outcomeWindowSeconds ?? 1,
  });
  return {
    ...platforms,
    pinterest: quick('pinterest'),
    instagram: quick('instagram'),
    facebook: quick('facebook'),
    threads: quick('threads'),
    linkedin: quick('linkedin'),
  };
}

export const metaSandbox = (p: TestPinion, platform: 'facebook' | 'instagram' | 'threads') => p.sandboxes.get(platform) as unknown as MetaSandbox;

async function dialog(p: TestPinion, platform: string, fields: Record<string, string>) {
  const started = await p.api('POST', '/api/v1/accounts/connect', { body: { platform } });
  expect(started.status).toBe(200);
  const authorize = new URL(((await started.json()) as { authorize_url: string }).authorize_url);
  const page = await fetch(authorize);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('Approve');
  const form = new URLSearchParams(authorize.searchParams);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const approved = await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' });
  expect(approved.status).toBe(302);
  const callback = approved.headers.get('location')!;
  return { authorize, callback, callbackRes: await fetch(callback, { redirect: 'manual' }) };
}

/**
 * Facebook Login for Business as a person would go through it: the person (made in the sandbox
 * with their Pages and linked Instagram accounts) approves, Pinion's callback connects them all.
 */
export async function connectFacebook(p: TestPinion, person: string, decision: 'approve' | 'deny' = 'approve') {
  return dialog(p, 'facebook', { person, decision });
}

/** Instagram Login (or Threads' own login) for a username, approved. */
export async function connectWithUsername(p: TestPinion, platform: 'instagram' | 'threads', username: string, extra: Record<string, string> = {}) {
  return dialog(p, platform, { username, decision: 'approve', ...extra });
}

export interface AccountJson {
  id: string;
  platform: string;
  username: string;
  status: string;
  external_id: string;
  account_type: string | null;
}

export async function accounts(p: TestPinion): Promise<AccountJson[]> {
  return ((await (await p.api('GET', '/api/v1/accounts')).json()) as { data: AccountJson[] }).data;
}

/** A JPEG of the given size: a square one suits every Meta feed. */
export const jpeg = (width = 1080, height = 1080) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 30 } } })
    .jpeg()
    .toBuffer();
