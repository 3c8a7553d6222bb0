import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';

const DAY = 86_400_000;

/** Token expiry at Pinterest's real lifetimes (30 days access, 60 days refresh), on a clock the test moves. */
describe.each(DIALECTS)('keeping tokens alive on a clock, on %s', (dialect) => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });
  const tokenCalls = () => p!.sandbox!.stats().operations['POST /v5/oauth/token'] ?? 0;
  const row = (id: string) => p!.store.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('uses the access token until 15 minutes before it expires, then refreshes it once', async () => {
    const clock = new ManualClock(Date.now());
    p = await startTestPinion({ dialect, sandbox: {}, clock });
    const account = await connectedAccount(p, 'clocked');
    const before = await row(account.id);
    const calls = tokenCalls();
    const token = () => p!.accounts.tokens.withAccessToken(account.id, async (t) => t);
    const first = await token();

    await clock.advance(before.access_expires_at! - clock.now() - 16 * 60_000);
    expect(await token()).toBe(first);
    expect(tokenCalls()).toBe(calls);

    await clock.advance(2 * 60_000);
    const second = await token();
    expect(second).not.toBe(first);
    expect(tokenCalls()).toBe(calls + 1);
    const after = await row(account.id);
    expect(after.token_version).toBe(before.token_version + 1);
    expect(after.refreshed_at).toBe(clock.now());
  });

  it('refreshes an account nobody used before its refresh token runs out', async () => {
    const clock = new ManualClock(Date.now());
    p = await startTestPinion({ dialect, sandbox: {}, clock });
    const account = await connectedAccount(p, 'idle');
    const idle = p.accounts.passes.find((x) => x.name === 'refresh-idle-accounts')!;
    const calls = tokenCalls();
    await idle.run(new AbortController().signal);
    expect(tokenCalls()).toBe(calls);
    // 55 days on: the refresh token has 5 days left, inside the 7-day window.
    await clock.advance(55 * DAY);
    await idle.run(new AbortController().signal);
    expect(tokenCalls()).toBe(calls + 1);
    expect((await row(account.id)).refreshed_at).toBe(clock.now());
  });
});
