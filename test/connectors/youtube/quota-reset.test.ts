import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/index.js';
import type { DailyUnits } from '../../../src/connectors/types.js';
import { nextQuotaReset, quotaDay, YouTubeClient, youtubePublisher, YT_SCOPES, type YouTubePayload } from '../../../src/connectors/youtube/index.js';
import { startYouTubeSandbox } from '../../../src/sandbox/youtube/index.js';
import { ManualClock } from '../../../src/shared/index.js';
import { mp4 } from './support.js';

/** The database's atomic take, in memory: the same contract for a unit test. */
function memoryUnits(): DailyUnits & { rows: Map<string, number> } {
  const rows = new Map<string, number>();
  return {
    rows,
    async take(bucket, day, units, limit) {
      const used = rows.get(`${bucket}|${day}`) ?? 0;
      if (used + units > limit) return { ok: false, used };
      rows.set(`${bucket}|${day}`, used + units);
      return { ok: true, used: used + units };
    },
    async exhaust(bucket, day, limit) {
      rows.set(`${bucket}|${day}`, Math.max(limit, rows.get(`${bucket}|${day}`) ?? 0));
    },
    async used(bucket, day) {
      return rows.get(`${bucket}|${day}`) ?? 0;
    },
  };
}

describe('the Pacific quota day', () => {
  it('ends at midnight America/Los_Angeles: 08:00 UTC in winter, 07:00 UTC in summer, across the DST change', () => {
    // 2031-03-08 23:30 PST
    const lateSaturday = Date.parse('2031-03-09T07:30:00Z');
    expect(quotaDay(lateSaturday)).toBe('2031-03-08');
    expect(new Date(nextQuotaReset(lateSaturday)).toISOString()).toBe('2031-03-09T08:00:00.000Z');
    // Clocks go forward on 2031-03-09: that day has 23 hours and ends at 07:00 UTC.
    const sunday = Date.parse('2031-03-09T12:00:00Z');
    expect(quotaDay(sunday)).toBe('2031-03-09');
    expect(new Date(nextQuotaReset(sunday)).toISOString()).toBe('2031-03-10T07:00:00.000Z');
    // Never the UTC day: 2031-07-01 03:00 UTC is still June 30 in California.
    expect(quotaDay(Date.parse('2031-07-01T03:00:00Z'))).toBe('2031-06-30');
  });
});

describe('a publisher out of units waits until the Pacific midnight, then goes on', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('two uploads fit 3,300 units; the third is refused until midnight Pacific and goes out after it', async () => {
    const clock = new ManualClock(Date.parse('2031-03-09T05:00:00Z')); // 21:00 PST
    const server = await startYouTubeSandbox({ clock, processingMs: 0, unitsPerDay: 3300 });
    close = server.close;
    const channel = server.sandbox.createChannel({ handle: '@night' });
    let token = server.sandbox.issueToken(channel.id, [...YT_SCOPES]);
    const app = [...server.sandbox.state.apps.values()][0]!;
    const client = new YouTubeClient({
      apiBaseUrl: server.url,
      authorizeUrl: `${server.url}/o/oauth2/v2/auth`,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      timeoutMs: 5000,
      now: () => clock.now(),
    });
    const units = memoryUnits();
    const publisher = youtubePublisher(client, { quota: { unitsPerDay: 3300, costs: { videosInsert: 1600, thumbnailsSet: 50, list: 1 } }, clock });
    const bytes = mp4(640, 360, 5000, 300 * 1024);
    const payload = (title: string): YouTubePayload => ({
      channelId: channel.id,
      video: { snippet: { title, description: title, categoryId: '22' }, status: { privacyStatus: 'public' } },
      notifySubscribers: false,
      media: 'pinion-media:m1',
      short: false,
    });
    let progress: unknown = null;
    const publish = (title: string) =>
      publisher.publish({
        payload: payload(title),
        withToken: (call) => call(token),
        readMedia: async () => ({ bytes, mime: 'video/mp4' }),
        readUrl: async () => Promise.reject(new Error('no urls')),
        progress,
        checkpoint: async (p) => void (progress = p),
        spend: async () => {},
        units,
      });

    await publish('one');
    progress = null;
    await publish('two');
    progress = null;
    const refused = await publish('three').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect((refused as ConnectorError).kind).toBe('rate_limited');
    expect((refused as ConnectorError).details.retryAt?.toISOString()).toBe('2031-03-09T08:00:00.000Z');
    expect((refused as ConnectorError).message).toMatch(/3202 of 3300 units used, videos\.insert costs 1600/);
    expect(server.sandbox.stats().videos).toHaveLength(2);

    await clock.advance(Date.parse('2031-03-09T08:00:00Z') - clock.now());
    token = server.sandbox.issueToken(channel.id, [...YT_SCOPES]); // three hours on, the old one has expired
    const third = await publish('three');
    expect(server.sandbox.stats().videos.map((v) => v.id)).toContain(third.externalId);
    expect([...units.rows.keys()].map((k) => k.split('|')[1])).toEqual(['2031-03-08', '2031-03-09']);
  });
});
