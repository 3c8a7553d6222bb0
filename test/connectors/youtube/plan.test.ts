import { describe, expect, it } from 'vitest';
import type { AccountContext, Draft, MediaInfo } from '../../../src/connectors/index.js';
import { isShort, planYouTube, type YouTubePayload } from '../../../src/connectors/youtube/index.js';

const MEDIA: Record<string, MediaInfo> = {
  wide: { id: 'wide', kind: 'video', mime: 'video/mp4', size: 5_000_000, width: 1920, height: 1080, durationMs: 60_000 },
  tall: { id: 'tall', kind: 'video', mime: 'video/mp4', size: 5_000_000, width: 1080, height: 1920, durationMs: 180_000 },
  tallLong: { id: 'tallLong', kind: 'video', mime: 'video/mp4', size: 5_000_000, width: 1080, height: 1920, durationMs: 181_000 },
  gif: { id: 'gif', kind: 'image', mime: 'image/gif', size: 100_000, width: 300, height: 300, durationMs: null },
  bigPng: { id: 'bigPng', kind: 'image', mime: 'image/png', size: 3_000_000, width: 1280, height: 720, durationMs: null },
};

const ctx = { account: { id: 'acc', username: '@c', externalId: 'UC123', accountType: 'channel' } } as unknown as AccountContext;

function draft(d: Partial<Draft>): Draft {
  return { contentField: 'content', linkField: 'link', options: {}, strict: false, tag: (l) => l, media: (id) => MEDIA[id], mediaId: 'wide', ...d };
}
const plan = async (d: Partial<Draft>) => {
  const p = await planYouTube(draft(d), ctx);
  return { ...p, payload: p.payload as YouTubePayload };
};

describe('planning a YouTube video', () => {
  it('a Short is square or vertical and at most 3 minutes', () => {
    expect(isShort(MEDIA.tall)).toBe(true);
    expect(isShort(MEDIA.tallLong)).toBe(false);
    expect(isShort(MEDIA.wide)).toBe(false);
    expect(isShort({ width: 1080, height: 1080, durationMs: 10_000 })).toBe(true);
    expect(isShort(undefined)).toBe(false);
  });

  it('post-wide text over 5,000 UTF-8 bytes is fitted (an adaptation), text written for YouTube is refused', async () => {
    const long = `Title\n${'Zürich café. '.repeat(400)}`; // ~5,600 bytes, fewer characters
    const fitted = await plan({ content: long });
    expect(Buffer.byteLength(fitted.payload.video.snippet.description, 'utf8')).toBeLessThanOrEqual(5000);
    expect(fitted.adaptations.map((a) => a.kind)).toContain('text_fitted');
    expect(fitted.errors).toEqual([]);
    const own = await plan({ content: long, contentField: 'platform_options.youtube.content' });
    expect(own.errors[0]).toMatchObject({ field: 'platform_options.youtube.content' });
    expect(own.errors[0]!.message).toMatch(/bytes \(UTF-8\).*5000/);
  });

  it('< and > become ‹ › in post-wide text and are refused in a given title', async () => {
    const soft = await plan({ content: 'A <b>bold</b> claim' });
    expect(soft.payload.video.snippet.title).toBe('A ‹b›bold‹/b› claim');
    expect(soft.adaptations.length).toBeGreaterThan(0);
    const refused = await plan({ content: 'x', options: { title: 'Use <this>' } });
    expect(refused.errors.map((e) => e.field)).toContain('platform_options.youtube.title');
  });

  it('the link goes at the end of the description; tags over 500 characters are refused', async () => {
    const linked = await plan({ content: 'Watch', link: 'https://example.com/a' });
    expect(linked.payload.video.snippet.description).toBe('Watch https://example.com/a');
    const tags = Array.from({ length: 60 }, (_, i) => `tag number ${i}`);
    const many = await plan({ content: 'Watch', options: { tags } });
    expect(many.errors[0]).toMatchObject({ field: 'platform_options.youtube.tags' });
  });

  it('a cover must be a JPEG or PNG up to 2 MiB', async () => {
    expect((await plan({ content: 'x', options: { cover_media_id: 'gif' } })).errors[0]!.message).toMatch(/JPEG or PNG/);
    expect((await plan({ content: 'x', options: { cover_media_id: 'bigPng' } })).errors[0]!.message).toMatch(/2 MiB/);
  });

  it('defaults: public, category 22, subscribers notified, the channel from the account', async () => {
    const { payload } = await plan({ content: 'Hello' });
    expect(payload).toMatchObject({
      channelId: 'UC123',
      notifySubscribers: true,
      media: 'pinion-media:wide',
      short: false,
      video: { snippet: { title: 'Hello', categoryId: '22' }, status: { privacyStatus: 'public' } },
    });
  });
});
