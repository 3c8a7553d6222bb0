import { describe, expect, it } from 'vitest';
import { matches, pickFound } from '../../../src/connectors/linkedin/find.js';
import type { LinkedInPost } from '../../../src/connectors/linkedin/client.js';
import type { LinkedInPayload } from '../../../src/connectors/linkedin/index.js';

const author = 'urn:li:person:ada';
const payload = (over: Partial<LinkedInPayload> = {}): LinkedInPayload => ({
  author,
  commentary: 'Hello \\(world\\)',
  visibility: 'PUBLIC',
  disable_reshare: false,
  ...over,
});
const post = (id: number, createdAt: number, over: Partial<LinkedInPost> = {}): LinkedInPost => ({
  id: `urn:li:share:${id}`,
  author,
  commentary: 'Hello \\(world\\)',
  createdAt,
  ...over,
});
const shuffle = <T>(xs: T[], seed: number) =>
  xs
    .map((x, i) => ({ x, k: (i * 7919 + seed * 104729) % 97 }))
    .sort((a, b) => a.k - b.k)
    .map((e) => e.x);

describe('finding what a LinkedIn attempt made', () => {
  it('keeps the oldest match and lists the others as duplicates, whatever order LinkedIn listed them in', () => {
    const posts = [post(3, 3000), post(1, 1000), post(2, 2000), post(9, 1500, { commentary: 'something else' })];
    for (let seed = 0; seed < 6; seed++) {
      expect(pickFound(shuffle(posts, seed), payload(), {}, new Set())).toEqual({
        externalId: 'urn:li:share:1',
        url: 'https://www.linkedin.com/feed/update/urn:li:share:1/',
        duplicates: [
          { externalId: 'urn:li:share:2', url: 'https://www.linkedin.com/feed/update/urn:li:share:2/' },
          { externalId: 'urn:li:share:3', url: 'https://www.linkedin.com/feed/update/urn:li:share:3/' },
        ],
      });
    }
  });

  it('never returns a post another delivery owns', () => {
    expect(pickFound([post(1, 1000)], payload(), {}, new Set(['urn:li:share:1']))).toBeNull();
    expect(pickFound([post(1, 1000), post(2, 2000)], payload(), {}, new Set(['urn:li:share:1']))?.externalId).toBe('urn:li:share:2');
  });

  it('matches the content too: a text post is not a post with media, an article matches by its link', () => {
    expect(matches(post(1, 1, { content: { media: { id: 'urn:li:image:x' } } }), payload(), {})).toBe(false);
    const article = payload({ article: { source: 'https://example.com/a', title: 'A' } });
    expect(matches(post(1, 1, { content: { article: { source: 'https://example.com/a' } } }), article, {})).toBe(true);
    expect(matches(post(1, 1, { content: { article: { source: 'https://example.com/b' } } }), article, {})).toBe(false);
  });

  it("matches a video post by the attempt's own video once it is known", () => {
    const video = payload({ media: [{ kind: 'video', source: 'pinion-media:med_1' }] });
    const p = post(1, 1, { content: { media: { id: 'urn:li:video:mine' } } });
    expect(matches(p, video, { video: 'urn:li:video:mine' })).toBe(true);
    expect(matches(p, video, { video: 'urn:li:video:other' })).toBe(false);
    expect(matches(p, video, {})).toBe(true);
  });

  it('matches images by their URNs when the attempt saved them, in any order', () => {
    const images = payload({
      media: [
        { kind: 'image', source: 'a' },
        { kind: 'image', source: 'b' },
      ],
    });
    const p = post(1, 1, { content: { multiImage: { images: [{ id: 'urn:li:image:b' }, { id: 'urn:li:image:a' }] } } });
    expect(matches(p, images, { images: ['urn:li:image:a', 'urn:li:image:b'] })).toBe(true);
    expect(matches(p, images, { images: ['urn:li:image:a', 'urn:li:image:c'] })).toBe(false);
  });

  it("ignores another author's post with the same text", () => {
    expect(matches(post(1, 1, { author: 'urn:li:organization:1' }), payload(), {})).toBe(false);
  });
});
