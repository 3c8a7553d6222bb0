import { describe, expect, it } from 'vitest';
import type { Draft, MediaInfo, AccountContext } from '../../../src/connectors/contract.js';
import { X_FACTS, xConnector, type XPayload } from '../../../src/connectors/x/index.js';
import { fitText, splitThread, trailingHashtags } from '../../../src/connectors/x/text.js';

const count = X_FACTS.text.count;
const LINK = 'https://shop.example.com/products/linen-apron-in-natural-colour?ref=newsletter';

const ctx = {
  account: { id: 'acc_1', username: 'pinion_shop', externalId: '1234567890', accountType: null },
  withToken: () => Promise.reject(new Error('planning X makes no calls')),
  writes: { take: () => Promise.reject(new Error('planning X makes no writes')), hold: async () => {} },
  db: undefined as never,
  config: {
    apiBaseUrl: 'https://api.x.com',
    authorizeUrl: 'https://x.com/i/oauth2/authorize',
    timeoutMs: 30_000,
    writeBudget: { limit: 300, windowSeconds: 10800, perDay: 0 },
    outcomeWindowSeconds: 120,
  },
} satisfies AccountContext;

const stored: Record<string, MediaInfo> = {
  med_jpg: { id: 'med_jpg', kind: 'image', mime: 'image/jpeg', size: 200_000, width: 1600, height: 900, durationMs: null },
  med_big: { id: 'med_big', kind: 'image', mime: 'image/png', size: 6 * 1024 * 1024, width: 4000, height: 3000, durationMs: null },
  med_gif: { id: 'med_gif', kind: 'image', mime: 'image/gif', size: 1_000_000, width: 480, height: 270, durationMs: null },
  med_mp4: { id: 'med_mp4', kind: 'video', mime: 'video/mp4', size: 20_000_000, width: 1280, height: 720, durationMs: 30_000 },
  med_long: { id: 'med_long', kind: 'video', mime: 'video/mp4', size: 20_000_000, width: 1280, height: 720, durationMs: 200_000 },
};

function draft(over: Partial<Draft> = {}): Draft {
  return {
    contentField: 'content',
    linkField: 'link',
    options: {},
    strict: false,
    tag: (l) => l,
    media: (id) => stored[id],
    ...over,
  };
}
const plan = async (d: Partial<Draft>) => {
  const p = await xConnector.plan(draft(d), ctx);
  return { ...p, payload: p.payload as XPayload };
};

/** A sentence of exactly `n` weighted characters (n ≥ 2), ending with a full stop. */
const sentence = (n: number, letter = 'a') => `${letter.repeat(n - 1)}.`;
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

describe('fitting a text to 280 weighted characters', () => {
  it('leaves a text that fits untouched, with no adaptation', async () => {
    const p = await plan({ content: 'Spring aprons are in 🌸 #linen' });
    expect(p.payload.parts).toEqual([{ text: 'Spring aprons are in 🌸 #linen' }]);
    expect(p.adaptations).toEqual([]);
    expect(p.errors).toEqual([]);
  });

  it('cuts at the last sentence that fits, adds " …", and says so', async () => {
    const content = `${sentence(150)} ${sentence(100, 'b')} ${sentence(100, 'c')}`;
    const p = await plan({ content });
    const text = p.payload.parts[0]!.text;
    expect(text).toBe(`${sentence(150)} ${sentence(100, 'b')} …`);
    expect(count(text)).toBeLessThanOrEqual(280);
    expect(p.adaptations).toEqual([
      expect.objectContaining({ kind: 'text_fitted', field: 'content', message: expect.stringContaining('last whole sentence') }),
    ]);
    expect(p.errors).toEqual([]);
  });

  it('cuts at a word when the last sentence end would keep less than half', async () => {
    const content = `Hi. ${words(80)}`;
    const f = fitText(content, undefined)!;
    expect(f.cut).toBe('word');
    expect(f.text.endsWith('…')).toBe(true);
    expect(f.text).toMatch(/word\d+…$/);
    expect(count(f.text)).toBeLessThanOrEqual(280);
    expect(count(f.text)).toBeGreaterThan(270);
  });

  it('cuts a single overlong word between characters, never inside an emoji', () => {
    const f = fitText('🙂'.repeat(200), undefined)!;
    expect(f.text).toBe(`${'🙂'.repeat(139)}…`);
    // "…" (U+2026) is outside twitter-text's weight-1 ranges: it counts 2.
    expect(count(f.text)).toBe(280);
  });

  it('puts the link at the end of the text, counted as 23, and reports it', async () => {
    const p = await plan({ content: 'New aprons', link: LINK });
    expect(p.payload.parts[0]!.text).toBe(`New aprons ${LINK}`);
    expect(count(p.payload.parts[0]!.text)).toBe(11 + 23);
    expect(p.adaptations).toEqual([expect.objectContaining({ kind: 'link_placed', field: 'link' })]);
  });

  it('does not add a link the text already holds', async () => {
    const p = await plan({ content: `New aprons: ${LINK} today`, link: LINK });
    expect(p.payload.parts[0]!.text).toBe(`New aprons: ${LINK} today`);
    expect(p.adaptations).toEqual([]);
  });

  it('applies UTM tagging to the link before placing it', async () => {
    const p = await plan({ content: 'New', link: 'https://shop.example/a', tag: (l) => `${l}?utm_source=x` });
    expect(p.payload.parts[0]!.text).toBe('New https://shop.example/a?utm_source=x');
  });

  it('keeps the link and the trailing hashtags whole when cutting the text before them', async () => {
    const content = `${words(60)} #linen #aprons`;
    const p = await plan({ content, link: LINK });
    const text = p.payload.parts[0]!.text;
    expect(text).toMatch(new RegExp(`…\\s#linen #aprons ${LINK.replace(/[?.]/g, '\\$&')}$`));
    expect(count(text)).toBeLessThanOrEqual(280);
    expect(p.adaptations.map((a) => a.kind).sort()).toEqual(['link_placed', 'text_fitted']);
  });

  it('drops hashtags from the last one when keeping them would leave under 100 characters of text', () => {
    const tags = Array.from({ length: 30 }, (_, i) => `#tag${i}`).join(' ');
    const f = fitText(`${words(40)} ${tags}`, LINK)!;
    expect(f.droppedTags.length).toBeGreaterThan(0);
    expect(f.droppedTags.at(-1)).toBe('#tag29');
    expect(count(f.text.slice(0, f.text.indexOf('…')))).toBeGreaterThanOrEqual(100);
    expect(f.text.endsWith(LINK)).toBe(true);
    expect(count(f.text)).toBeLessThanOrEqual(280);
  });

  it('moves a link written in the text to the end when the cut would lose it', () => {
    const f = fitText(`${words(60)} ${LINK} the end`, LINK)!;
    expect(f.text.endsWith(LINK)).toBe(true);
    expect(f.linkPlaced).toBe(true);
    expect(count(f.text)).toBeLessThanOrEqual(280);
  });

  it('finds trailing hashtags only at the end, after a space', () => {
    expect(trailingHashtags('Sale today #shoes #red')).toEqual({ body: 'Sale today', tags: ['#shoes', '#red'] });
    expect(trailingHashtags('I like C# and foo#bar')).toEqual({ body: 'I like C# and foo#bar', tags: [] });
    expect(trailingHashtags('#only #tags')).toEqual({ body: '', tags: ['#only', '#tags'] });
  });

  it('is deterministic', () => {
    const content = `${words(70)} #a`;
    expect(fitText(content, LINK)).toEqual(fitText(content, LINK));
  });
});

describe('strict posts', () => {
  it('refuses to cut: every adaptation becomes an error and nothing is reported as done', async () => {
    const p = await plan({ content: words(80), strict: true });
    expect(p.adaptations).toEqual([]);
    expect(p.errors).toEqual([{ field: 'content', message: expect.stringMatching(/^is \d+ weighted characters; X takes at most 280/) }]);
  });

  it('refuses to place a link the text does not hold, and accepts one it does', async () => {
    const refused = await plan({ content: 'Hi', link: LINK, strict: true });
    expect(refused.errors).toEqual([{ field: 'link', message: expect.stringContaining('put the link in the text yourself') }]);
    const accepted = await plan({ content: `Hi ${LINK}`, link: LINK, strict: true });
    expect(accepted.errors).toEqual([]);
  });

  it('refuses to split into a thread', async () => {
    const p = await plan({ content: words(80), strict: true, options: { thread: true } });
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]!.field).toBe('content');
  });
});

describe('threads', () => {
  it('splits a long text into numbered parts that each fit, the link in the first', async () => {
    const content = Array.from({ length: 9 }, (_, i) => sentence(90, String.fromCharCode(97 + i))).join(' ');
    const p = await plan({ content, link: LINK, options: { thread: true }, mediaId: 'med_jpg', contentField: 'platform_options.x.content' });
    const parts = p.payload.parts;
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect(count(part.text)).toBeLessThanOrEqual(280);
      expect(part.text.endsWith(` ${i + 1}/${parts.length}`)).toBe(true);
    });
    expect(parts[0]!.text).toContain(LINK);
    expect(parts.slice(1).some((part) => part.text.includes(LINK))).toBe(false);
    // Nothing is lost: the parts, numbers and link removed, give back the text.
    const back = parts.map((part, i) => part.text.replace(` ${i + 1}/${parts.length}`, '').replace(` ${LINK}`, '')).join(' ');
    expect(back).toBe(content);
    expect(parts[0]!.media).toEqual([{ kind: 'image', source: 'pinion-media:med_jpg' }]);
    expect(parts[1]!.media).toBeUndefined();
    expect(p.adaptations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'split_into_thread',
          field: 'platform_options.x.content',
          message: expect.stringContaining(`thread of ${parts.length} posts`),
        }),
        expect.objectContaining({ kind: 'link_placed' }),
      ]),
    );
  });

  it('makes one unnumbered post when the text fits', () => {
    expect(splitThread('short', undefined)).toEqual({ parts: ['short'], linkPlaced: false });
  });

  it('widens the numbers when a thread reaches ten parts', () => {
    const t = splitThread(words(500), undefined)!;
    expect(t.parts.length).toBeGreaterThanOrEqual(10);
    t.parts.forEach((part, i) => {
      expect(part.endsWith(` ${i + 1}/${t.parts.length}`)).toBe(true);
      expect(count(part)).toBeLessThanOrEqual(280);
    });
  });
});

describe('media', () => {
  it('takes up to 4 images from media_url, media_id and images, each with its alt text', async () => {
    const p = await plan({
      content: 'Four',
      mediaUrl: 'https://cdn.example/1.jpg',
      options: {
        alt_text: 'one',
        images: [
          { media_id: 'med_jpg', alt_text: 'two' },
          { media_url: 'https://cdn.example/3.png', alt_text: 'three' },
          { media_url: 'https://cdn.example/4.webp' },
        ],
      },
    });
    expect(p.errors).toEqual([]);
    expect(p.payload.parts[0]!.media).toEqual([
      { kind: 'image', source: 'https://cdn.example/1.jpg', alt_text: 'one' },
      { kind: 'image', source: 'pinion-media:med_jpg', alt_text: 'two' },
      { kind: 'image', source: 'https://cdn.example/3.png', alt_text: 'three' },
      { kind: 'image', source: 'https://cdn.example/4.webp' },
    ]);
    expect(p.warnings).toEqual([{ field: 'platform_options.x.images.2.alt_text', message: expect.stringContaining('is missing') }]);
  });

  it('refuses a fifth image', async () => {
    const images = Array.from({ length: 4 }, (_, i) => ({ media_url: `https://cdn.example/${i}.jpg`, alt_text: 'x' }));
    const p = await plan({ content: 'Five', mediaUrl: 'https://cdn.example/main.jpg', options: { alt_text: 'x', images } });
    expect(p.errors).toEqual([{ field: 'platform_options.x.images', message: expect.stringContaining('at most 4') }]);
  });

  it('takes one video alone, and refuses it beside images', async () => {
    const alone = await plan({ content: 'Watch', mediaId: 'med_mp4' });
    expect(alone.errors).toEqual([]);
    expect(alone.payload.parts[0]!.media).toEqual([{ kind: 'video', source: 'pinion-media:med_mp4' }]);
    const mixed = await plan({ content: 'Watch', mediaId: 'med_mp4', options: { images: [{ media_id: 'med_jpg', alt_text: 'x' }] } });
    expect(mixed.errors).toEqual([{ field: 'media_id', message: expect.stringContaining('one GIF or one video alone') }]);
  });

  it('checks stored media against X limits: image size, video length, GIFs alone', async () => {
    expect((await plan({ content: 'Big', mediaId: 'med_big', options: { alt_text: 'x' } })).errors).toEqual([
      { field: 'media_id', message: expect.stringContaining('up to 5 MB') },
    ]);
    expect((await plan({ content: 'Long', mediaId: 'med_long' })).errors).toEqual([{ field: 'media_id', message: expect.stringContaining('0.5 to 140 s') }]);
    const gifs = await plan({ content: 'Gif', mediaId: 'med_gif', options: { alt_text: 'x', images: [{ media_id: 'med_jpg', alt_text: 'y' }] } });
    expect(gifs.errors).toEqual([{ field: 'media_id', message: expect.stringContaining('is a GIF') }]);
  });

  it('names unknown media, bad URLs and ambiguous images by their field', async () => {
    const p = await plan({
      content: 'x',
      mediaId: 'med_nope',
      options: { images: [{ media_url: 'ftp://x/y.jpg' }, { media_url: 'https://a/b.jpg', media_id: 'med_jpg' }] },
    });
    expect(p.errors).toEqual([
      { field: 'media_id', message: 'no media med_nope in this workspace' },
      { field: 'platform_options.x.images.0.media_url', message: 'must be an http(s) URL' },
      { field: 'platform_options.x.images.1', message: 'needs exactly one of media_url or media_id' },
    ]);
  });

  it('needs text or media', async () => {
    expect((await plan({ content: '  ' })).errors).toEqual([{ field: 'content', message: expect.stringContaining('X needs text or media') }]);
    expect((await plan({ mediaId: 'med_jpg', options: { alt_text: 'x' } })).errors).toEqual([]);
  });

  it('names the images it will look up for checks', () => {
    expect(xConnector.mediaRefs!({ images: [{ media_url: 'https://a/1.jpg' }, { media_id: 'med_jpg' }] })).toEqual({
      urls: [['platform_options.x.images.0.media_url', 'https://a/1.jpg']],
      ids: [['platform_options.x.images.1.media_id', 'med_jpg']],
    });
  });
});

describe('payload', () => {
  it('carries the account and reply settings for the publisher and the outcome search', async () => {
    const p = await plan({ content: 'Hi', options: { reply_settings: 'following' } });
    expect(p.payload).toEqual({ user: { id: '1234567890', username: 'pinion_shop' }, parts: [{ text: 'Hi' }], reply_settings: 'following' });
  });
});
