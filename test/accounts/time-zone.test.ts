import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount } from '../helpers/posts.js';
import { DIALECTS } from '../helpers/stores.js';

describe.each(DIALECTS)('an account’s own time zone on %s', (dialect) => {
  let p: TestPinion;
  let accountId: string;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    accountId = (await pinterestAccount(p)).account.id;
  });
  afterAll(async () => {
    await p?.close();
  });
  const account = async () => (await p.api('GET', `/api/v1/accounts/${accountId}`)).json();
  const patch = (body: unknown) => p.api('PATCH', `/api/v1/accounts/${accountId}`, { body });

  it('starts without one (the workspace’s, UTC), is set with PATCH as the time zone database spells it, and shows in the listing', async () => {
    expect((await account()).timezone).toBeNull();
    const set = await patch({ timezone: 'europe/paris' });
    expect(set.status).toBe(200);
    expect((await set.json()).timezone).toBe('Europe/Paris');
    const listed = await (await p.api('GET', '/api/v1/accounts')).json();
    expect(listed.data.find((a: { id: string }) => a.id === accountId).timezone).toBe('Europe/Paris');
  });

  it('refuses a zone the database does not know, naming the field and where the names are, and keeps the old one', async () => {
    const bad = await patch({ timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = await bad.json();
    expect(problem.errors).toEqual([
      { field: 'timezone', message: expect.stringMatching(/"Mars\/Olympus" is not an IANA time zone: use an IANA time zone name such as Europe\/Paris/) },
    ]);
    const unknownField = await patch({ zone: 'Europe/Paris' });
    expect(unknownField.status).toBe(422);
    expect((await unknownField.json()).errors).toEqual([{ field: 'zone', message: 'is not a known field' }]);
    expect((await account()).timezone).toBe('Europe/Paris');
  });

  it('gives queue slots their default zone, and an account without a zone takes its queue’s', async () => {
    const put = await p.api('PUT', `/api/v1/accounts/${accountId}/slots`, { body: { slots: [{ days: ['mon'], times: ['09:00'] }] } });
    expect(put.status).toBe(200);
    const queue = await put.json();
    expect(queue.timezone).toBe('Europe/Paris');
    expect(queue.upcoming[0].local).toMatch(/T09:00:00\+0[12]:00$/);

    expect((await patch({ timezone: null })).status).toBe(200);
    expect((await account()).timezone).toBeNull();
    expect(
      (await p.api('PUT', `/api/v1/accounts/${accountId}/slots`, { body: { timezone: 'America/New_York', slots: [{ days: ['mon'], times: ['09:00'] }] } }))
        .status,
    ).toBe(200);
    expect((await account()).timezone).toBe('America/New_York');
  });

  it('is another workspace’s account only in that workspace', async () => {
    const other = await p.newKey('elsewhere');
    expect((await p.api('PATCH', `/api/v1/accounts/${accountId}`, { key: other, body: { timezone: 'Asia/Tokyo' } })).status).toBe(404);
    expect((await account()).timezone).toBe('America/New_York');
  });
});
