import { describe, expect, it } from 'vitest';
import { webhookPasses } from '../../src/webhooks/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion } from '../helpers/pinion.js';
import { connectedAccount } from '../helpers/connect.js';
import { closedAfterEach, runUntil, startReceiver, verify } from './receiver.js';

describe.each(DIALECTS)('telling webhooks an account needs reconnecting on %s', (dialect) => {
  const track = closedAfterEach();

  it('emits account.needs_reauth when the platform refuses a refresh', async () => {
    const p = track(await startTestPinion({ dialect, sandbox: {} }));
    const receiver = track(await startReceiver());
    const subscribed = await (await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['account.needs_reauth'] } })).json();
    await p.api('POST', '/api/v1/webhooks', { body: { url: `${receiver.url}/posts-only`, events: ['post.published'] } });
    const account = await connectedAccount(p, 'gone_user');
    const user = p.sandbox!.state.findUserByUsername('gone_user')!;
    // The person removed the app on Pinterest: every token of the grant is gone.
    for (const [token, t] of p.sandbox!.state.tokens) if (t.userId === user.id) p.sandbox!.state.tokens.delete(token);
    expect((await p.api('POST', `/api/v1/accounts/${account.id}/refresh`)).status).toBe(409);

    const pass = webhookPasses({ db: p.store.db, vault: p.accounts.vault, log: p.log, config: { allowHosts: ['127.0.0.1'] } }).find(
      (x) => x.name === 'send-webhooks',
    )!;
    await runUntil(pass, () => receiver.requests.length >= 1);
    await pass.run(new AbortController().signal);
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.requests;
    expect(req!.path).toBe('/hook');
    expect(verify(subscribed.secret, req!)).toBe(true);
    expect(JSON.parse(req!.body)).toMatchObject({
      type: 'account.needs_reauth',
      data: {
        account_id: account.id,
        platform: 'pinterest',
        username: 'gone_user',
        reason: expect.stringMatching(/The authorization grant is invalid \(code 283\)/),
      },
    });
  });
});
