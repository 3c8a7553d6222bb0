import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/index.js';
import { YouTubeClient, youtubePublisher, YT_SCOPES, type YouTubePayload } from '../../../src/connectors/youtube/index.js';
import { startYouTubeSandbox, type Video } from '../../../src/sandbox/youtube/index.js';

describe('the search for a video whose session YouTube forgot', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function setup(order: 'newest_first' | 'oldest_first') {
    const server = await startYouTubeSandbox({ uploadsOrder: order, processingMs: 0 });
    close = server.close;
    const channel = server.sandbox.createChannel({ handle: '@finder' });
    const token = server.sandbox.issueToken(channel.id, [...YT_SCOPES]);
    const app = [...server.sandbox.state.apps.values()][0]!;
    const client = new YouTubeClient({
      apiBaseUrl: server.url,
      authorizeUrl: server.url,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      timeoutMs: 5000,
    });
    const publisher = youtubePublisher(client, { quota: { unitsPerDay: 1_000_000, costs: {} } });
    const add = (id: string, title: string, agoMs: number, result: Video['result'] = { outcome: 'processed' }) =>
      server.sandbox.state.videos.set(id, {
        id,
        channelId: channel.id,
        clientId: app.clientId,
        snippet: { title, description: title, categoryId: '22' },
        status: { privacyStatus: 'public' },
        size: 1,
        mime: 'video/mp4',
        sha256: '',
        uploadedAt: Date.now() - agoMs,
        result,
      });
    const payload: YouTubePayload = {
      channelId: channel.id,
      video: { snippet: { title: 'Launch', description: 'Launch', categoryId: '22' }, status: { privacyStatus: 'public' } },
      notifySubscribers: true,
      media: 'x',
      short: false,
    };
    // A session YouTube no longer knows: the search is the only way to know.
    const progress = {
      session: { uri: `${server.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id=forgotten`, total: 10, since: Date.now() - 60_000 },
    };
    const find = (exclude: string[] = []) =>
      publisher.findPublished({ payload, since: Date.now() - 60_000, exclude: new Set(exclude), withToken: (call) => call(token), progress });
    return { add, find };
  }

  it.each(['newest_first', 'oldest_first'] as const)(
    "keeps the oldest match since the attempt, lists the others, skips other deliveries' videos and older twins (%s)",
    async (order) => {
      const { add, find } = await setup(order);
      add('yesterday01', 'Launch', 86_400_000);
      add('someoneElse', 'Launch', 50_000);
      add('firstMatch1', 'Launch', 40_000);
      add('secondMatch', 'Launch', 20_000);
      add('otherVideo1', 'Something else', 10_000);
      const found = await find(['someoneElse']);
      expect(found).toEqual({
        externalId: 'firstMatch1',
        url: 'https://www.youtube.com/watch?v=firstMatch1',
        duplicates: [{ externalId: 'secondMatch', url: 'https://www.youtube.com/watch?v=secondMatch' }],
      });
      expect(await find(['someoneElse', 'firstMatch1', 'secondMatch'])).toBeNull();
    },
  );

  it('a found video that failed processing fails the delivery with the reason; too many uploads to read is retryable, never "not found"', async () => {
    const { add, find } = await setup('newest_first');
    add('failedOne01', 'Launch', 10_000, { outcome: 'failed', failureReason: 'codec' });
    const failed = await find().catch((e: unknown) => e);
    expect(failed).toMatchObject({ kind: 'rejected' });
    expect((failed as ConnectorError).message).toContain('failureReason codec');
    for (let i = 0; i < 1001; i++) add(`old${String(i).padStart(8, '0')}`, `Old ${i}`, 86_400_000 + i);
    const tooMany = await find(['failedOne01']).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(ConnectorError);
    expect((tooMany as ConnectorError).kind).toBe('retryable');
  });
});
