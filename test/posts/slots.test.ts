import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { slotTimes } from '../../src/posts/slots.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { DIALECTS } from '../helpers/stores.js';

describe('queue slot times', () => {
  it('keep their wall-clock time across a daylight-saving change (Paris, March 2031)', () => {
    const from = Date.UTC(2031, 2, 27, 12); // Thursday 27 March 2031; clocks go forward on Sunday 30 March
    const times = slotTimes({ timezone: 'Europe/Paris', slots: [{ days: ['fri', 'mon'], times: ['20:00', '09:00'] }] }, from, 4).map((t) =>
      new Date(t).toISOString(),
    );
    expect(times).toEqual(['2031-03-28T08:00:00.000Z', '2031-03-28T19:00:00.000Z', '2031-03-31T07:00:00.000Z', '2031-03-31T18:00:00.000Z']);
  });

  it('a slot inside the spring-forward gap moves to the first time that exists', () => {
    const times = slotTimes({ timezone: 'America/New_York', slots: [{ days: ['sun'], times: ['02:30'] }] }, Date.UTC(2031, 2, 8), 1);
    expect(DateTime.fromMillis(times[0]!, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd HH:mm')).toBe('2031-03-09 03:30');
  });
});

describe.each(DIALECTS)('queue slots through the API on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let accountId: string;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    images = await startImageServer();
    accountId = (await pinterestAccount(p)).account.id;
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const post = (extra: Record<string, unknown>) =>
    p.api('POST', '/api/v1/posts', {
      body: {
        content: 'Slot me',
        platforms: ['pinterest'],
        media_url: `${images.url}/good.jpg`,
        platform_options: { pinterest: { board: 'Products' } },
        ...extra,
      },
    });

  it('refuses a post to the queue before the account has slots, then refuses bad slots naming each field', async () => {
    const early = await post({ scheduled_at: 'next_slot' });
    expect(early.status).toBe(422);
    expect((await early.json()).errors).toContainEqual({
      field: 'scheduled_at',
      message: expect.stringMatching(/has no queue slots; set them with PUT \/api\/v1\/accounts\/.*\/slots/),
    });
    const bad = await p.api('PUT', `/api/v1/accounts/${accountId}/slots`, {
      body: { timezone: 'Mars/Olympus', slots: [{ days: ['mon', 'funday'], times: ['9am'] }] },
    });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toEqual(['timezone', 'slots.0.days.1', 'slots.0.times.0']);
  });

  it('next_slot fills weekly slots in order, across a daylight-saving change, and the listing shows what fills each', async () => {
    // One slot a week, Sundays 09:00 Los Angeles: a year of slots always spans a DST change.
    const put = await p.api('PUT', `/api/v1/accounts/${accountId}/slots`, {
      body: { timezone: 'America/Los_Angeles', slots: [{ days: ['sun'], times: ['09:00'] }] },
    });
    expect(put.status).toBe(200);
    const listed = await (await p.api('GET', `/api/v1/accounts/${accountId}/slots?count=60`)).json();
    const upcoming: Array<{ at: string; local: string; post_id: string | null }> = listed.upcoming;
    expect(upcoming.every((s) => s.local.slice(10, 16) === 'T09:00' && DateTime.fromISO(s.local, { setZone: true }).weekday === 7)).toBe(true);
    const offset = (s: { local: string }) => s.local.slice(-6);
    const change = upcoming.findIndex((s) => offset(s) !== offset(upcoming[0]!));
    expect(change).toBeGreaterThan(0);

    // Every slot before the change is taken by posts with exact times; next_slot lands on the first one after.
    for (const s of upcoming.slice(0, change)) expect((await post({ scheduled_at: s.at })).status).toBe(201);
    const queued = await post({ scheduled_at: 'next_slot' });
    expect(queued.status).toBe(201);
    const q1 = await queued.json();
    expect(q1.scheduled_at).toBe(new Date(upcoming[change]!.at).toISOString());
    const q2 = await (await post({ queue: true })).json();
    expect(q2.scheduled_at).toBe(new Date(upcoming[change + 1]!.at).toISOString());
    expect(DateTime.fromISO(q1.scheduled_at).setZone('America/Los_Angeles').toFormat('ccc HH:mm')).toBe('Sun 09:00');

    const after = await (await p.api('GET', `/api/v1/accounts/${accountId}/slots?count=60`)).json();
    expect(after.upcoming[change].post_id).toBe(q1.id);
    expect(after.upcoming[change + 1].post_id).toBe(q2.id);
    expect(after.upcoming[change + 2].post_id).toBeNull();

    // A cancelled post frees its slot for the next queued one.
    expect((await p.api('POST', `/api/v1/posts/${q1.id}/cancel`)).status).toBe(200);
    const q3 = await (await post({ scheduled_at: 'next_slot' })).json();
    expect(q3.scheduled_at).toBe(q1.scheduled_at);
  });

  it('queue with an explicit time is refused as contradictory', async () => {
    const res = await post({ queue: true, scheduled_at: '2031-01-01T00:00:00Z' });
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toContainEqual({ field: 'queue', message: expect.stringMatching(/leave scheduled_at out/) });
  });
});
