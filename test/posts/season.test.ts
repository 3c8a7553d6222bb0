import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS, easter, planSeason } from '../../src/posts/season.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';
import { DIALECTS } from '../helpers/stores.js';

const day = (event: string, year: number, country = 'US') => EVENTS[event]!.date(year, country).toISODate();
const NOW = Date.UTC(2031, 0, 15);

describe('built-in seasonal events', () => {
  it('computes each event for its year (and country where the day differs)', () => {
    expect(day('christmas', 2031)).toBe('2031-12-25');
    expect(easter(2031).toISODate()).toBe('2031-04-13');
    expect(easter(2027).toISODate()).toBe('2027-03-28');
    expect(day('black_friday', 2031)).toBe('2031-11-28');
    expect(day('thanksgiving', 2031)).toBe('2031-11-27');
    expect(day('thanksgiving', 2031, 'CA')).toBe('2031-10-13');
    expect(day('mothers_day', 2031, 'US')).toBe('2031-05-11');
    expect(day('mothers_day', 2031, 'GB')).toBe('2031-03-23');
    expect(day('mothers_day', 2031, 'FR')).toBe('2031-05-25');
    expect(day('mothers_day', 2031, 'MX')).toBe('2031-05-10');
    expect(day('halloween', 2031)).toBe('2031-10-31');
  });

  it('Christmas 2031: 45 days ahead by default, lead_days when given, at 09:00 where the post is', () => {
    const paris = planSeason({ event: 'Christmas', year: 2031 }, 'Europe/Paris', NOW).plan!;
    expect(paris).toMatchObject({ eventName: 'Christmas', eventDate: '2031-12-25', leadDays: 45 });
    expect(new Date(paris.publishBy).toISOString()).toBe('2031-11-10T08:00:00.000Z');
    const thirty = planSeason({ event: 'christmas', year: 2031, lead_days: 30 }, 'America/New_York', NOW).plan!;
    expect(new Date(thirty.publishBy).toISOString()).toBe('2031-11-25T14:00:00.000Z');
  });

  it('an event already past this year means next year’s; names are forgiving; unknown names are errors', () => {
    const after = Date.UTC(2031, 11, 26);
    expect(planSeason({ event: "Valentine's Day" }, 'UTC', after).plan!.eventDate).toBe('2032-02-14');
    expect(planSeason({ event: 'christmas' }, 'UTC', after).plan!.eventDate).toBe('2032-12-25');
    expect(planSeason({ event: 'diwali' }, 'UTC', after).errors[0]!.field).toBe('season.event');
    expect(planSeason({ event_date: '2031-13-01' }, 'UTC', after).errors[0]!.field).toBe('season.event_date');
  });
});

describe.each(DIALECTS)('seasonal posts through the API on %s', (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  beforeAll(async () => {
    p = await startTestPinion({ dialect, sandbox: {} });
    images = await startImageServer();
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const body = (extra: Record<string, unknown>) => ({
    content: 'Christmas table ideas',
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    platform_options: { pinterest: { board: 'Products' } },
    ...extra,
  });

  it('schedules a Christmas 2031 post at its lead time when no time is given, and shows the season', async () => {
    const res = await p.api('POST', '/api/v1/posts', { body: body({ season: { event: 'christmas', year: 2031 }, timezone: 'Europe/Paris' }) });
    expect(res.status).toBe(201);
    const post = await res.json();
    expect(post.scheduled_at).toBe('2031-11-10T08:00:00.000Z');
    expect(post.deliveries[0].scheduled_at).toBe('2031-11-10T08:00:00.000Z');
    const v = await (await p.api('POST', '/api/v1/posts:validate', { body: body({ season: { event: 'christmas', year: 2031, lead_days: 30 } }) })).json();
    expect(v.season).toEqual({ event: 'Christmas', event_date: '2031-12-25', lead_days: 30, publish_by: '2031-11-25T09:00:00.000Z' });
    expect(v.scheduled_at).toBe('2031-11-25T09:00:00.000Z');
  });

  it('warns when a seasonal post is scheduled later than the lead time', async () => {
    const res = await p.api('POST', '/api/v1/posts', { body: body({ season: { event: 'christmas', year: 2031 }, scheduled_at: '2031-12-20T10:00:00Z' }) });
    expect(res.status).toBe(201);
    const post = await res.json();
    expect(post.warnings).toContainEqual({
      field: 'scheduled_at',
      message: expect.stringMatching(/later than the 45-day lead time for Christmas \(2031-12-25\).*out by 2031-11-10 09:00 UTC/),
    });
  });

  it('lists the built-in events of 2031 with their publish-by times', async () => {
    const res = await p.api('GET', '/api/v1/seasons?year=2031&country=GB&timezone=Europe/London');
    expect(res.status).toBe(200);
    const { data } = await res.json();
    expect(data.find((e: { event: string }) => e.event === 'christmas')).toEqual({
      event: 'christmas',
      name: 'Christmas',
      event_date: '2031-12-25',
      lead_days: 45,
      publish_by: '2031-11-10T09:00:00.000Z',
    });
    expect(data.find((e: { event: string }) => e.event === 'mothers_day').event_date).toBe('2031-03-23');
    expect(data.map((e: { event_date: string }) => e.event_date)).toEqual([...data.map((e: { event_date: string }) => e.event_date)].sort());
  });

  it('a bad season is a 4xx naming the field, nothing stored', async () => {
    const res = await p.api('POST', '/api/v1/posts', { body: body({ season: { event: 'diwali' } }) });
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toContainEqual({ field: 'season.event', message: expect.stringMatching(/not a built-in event/) });
    const list = await (await p.api('GET', '/api/v1/posts')).json();
    expect(list.data.every((x: { request: { season?: { event?: string } } }) => x.request.season?.event !== 'diwali')).toBe(true);
  });
});
