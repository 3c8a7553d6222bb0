import { afterEach, describe, expect, it } from 'vitest';
import type { TestPinion } from '../../helpers/pinion.js';
import { waitFor } from '../../helpers/posts.js';
import { linkedInAccounts, linkedInSandbox, type LinkedInAccountJson } from '../../helpers/linkedin.js';
import { startReceiver } from '../../webhooks/receiver.js';
import { publish, startLinkedInPinion } from './support.js';

type AccountView = LinkedInAccountJson & { refresh_expires_at: string | null; refreshed_at: string | null; last_error: string | null };

describe('LinkedIn grants', () => {
  let p: TestPinion | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await p?.close();
    await receiver?.close();
    p = receiver = undefined;
  });
  const account = async (id: string) => (await (await p!.api('GET', `/api/v1/accounts/${id}`)).json()) as AccountView;
  const tokenCalls = () => linkedInSandbox(p!).stats().operations['POST /oauth/v2/accessToken'] ?? 0;
  const runPass = (name: string) => p!.accounts.passes.find((x) => x.name === name)!.run(new AbortController().signal);
  const events = () => receiver!.requests.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });

  it("refreshes an app's access token with its refresh token, which keeps its fixed 365-day life", async () => {
    // 10 minutes of access: inside Pinion's 15-minute refresh margin, so the next use refreshes first.
    p = await startLinkedInPinion({ accessTokenTtlSeconds: 600 });
    const { person, member } = await linkedInAccounts(p);
    const before = await account(person.id);
    expect(before.refresh_expires_at).not.toBeNull();
    const calls = tokenCalls();
    const done = await publish(p, person.id, { content: 'After a refresh' });
    expect(done.status).toBe('published');
    expect(tokenCalls()).toBeGreaterThan(calls);
    const after = await account(person.id);
    expect(after.status).toBe('active');
    expect(after.refreshed_at! > before.refreshed_at!).toBe(true);
    // LinkedIn hands back the same refresh token: its end does not move.
    expect(Math.abs(Date.parse(after.refresh_expires_at!) - Date.parse(before.refresh_expires_at!))).toBeLessThan(5000);
    const refreshTokens = [...linkedInSandbox(p).state.tokens.values()].filter((t) => t.kind === 'refresh' && t.memberId === member.id);
    expect(refreshTokens).toHaveLength(1);
  });

  it('without refresh tokens: warns by webhook a week ahead, once, and the account still posts until then', async () => {
    p = await startLinkedInPinion({ refreshTokens: false, accessTokenTtlSeconds: 6 * 86_400 });
    receiver = await startReceiver();
    expect((await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['account.expiring', 'account.needs_reauth'] } })).status).toBe(201);
    const { person, page } = await linkedInAccounts(p);
    expect((await account(person.id)).refresh_expires_at).toBeNull();
    await runPass('expiring-grants');
    await waitFor(async () => receiver!.requests.length >= 2, 'two account.expiring webhooks');
    expect(
      events()
        .map((e) => [e.type, e.data.account_id])
        .sort(),
    ).toEqual(
      [
        ['account.expiring', person.id],
        ['account.expiring', page.id],
      ].sort(),
    );
    expect(events()[0]!.data).toMatchObject({ platform: 'linkedin', expires_at: expect.any(String), reason: expect.stringMatching(/no refresh token/) });
    await runPass('expiring-grants');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(2);
    expect((await publish(p, person.id, { content: 'Still fine' })).status).toBe('published');
  });

  it('without refresh tokens: marks the account needs_reauth as its access ends, with a clear reason, before any post fails', async () => {
    p = await startLinkedInPinion({ refreshTokens: false, accessTokenTtlSeconds: 600 });
    receiver = await startReceiver();
    await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['account.needs_reauth'] } });
    const { person, page } = await linkedInAccounts(p);
    await runPass('expiring-grants');
    for (const id of [person.id, page.id]) {
      expect(await account(id)).toMatchObject({
        status: 'needs_reauth',
        last_error: expect.stringMatching(/expires at .* cannot be renewed: the platform gave no refresh token; reconnect the account/),
      });
    }
    await waitFor(async () => receiver!.requests.length >= 2, 'two account.needs_reauth webhooks');
    expect(new Set(events().map((e) => e.type))).toEqual(new Set(['account.needs_reauth']));
    const res = await p.api('POST', '/api/v1/posts', { body: { platforms: ['linkedin'], accounts: [person.id], content: 'Too late' } });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toMatch(/must be reconnected/);
  });
  it('a refresh token whose end refreshing cannot move: refreshed once inside the window, the person told once, then left alone', async () => {
    // Three days left of a fixed life: inside Pinion's 7-day idle-refresh window from the start.
    p = await startLinkedInPinion({ refreshTokenTtlSeconds: 3 * 86_400 });
    receiver = await startReceiver();
    await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['account.expiring'] } });
    const { person, page } = await linkedInAccounts(p);
    const calls = tokenCalls();
    await runPass('refresh-idle-accounts');
    expect(tokenCalls()).toBe(calls + 2);
    await waitFor(async () => receiver!.requests.length >= 2, 'two account.expiring webhooks');
    const end = (await account(person.id)).refresh_expires_at!;
    expect(
      events()
        .map((e) => [e.type, e.data.account_id])
        .sort(),
    ).toEqual(
      [
        ['account.expiring', person.id],
        ['account.expiring', page.id],
      ].sort(),
    );
    expect(events()[0]!.data).toMatchObject({ platform: 'linkedin', reason: expect.stringMatching(/does not extend this grant/) });
    expect(Math.abs(Date.parse(events().find((e) => e.data.account_id === person.id)!.data.expires_at as string) - Date.parse(end))).toBeLessThan(5000);
    // The next passes neither refresh again nor tell again; the account still posts.
    await runPass('refresh-idle-accounts');
    await runPass('refresh-idle-accounts');
    expect(tokenCalls()).toBe(calls + 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(2);
    expect((await publish(p, person.id, { content: 'Still fine' })).status).toBe('published');
  });
});
