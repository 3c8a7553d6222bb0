import { describe, expect, it } from 'vitest';
import { shapesFromDiscovery } from '../../../src/sandbox/youtube/discovery.js';
import { DISCOVERY_SHAPES } from '../../../src/sandbox/youtube/discovery-shapes.js';
import { readDiscovery } from './discovery-doc.js';

describe("the YouTube emulator's request shapes", () => {
  it('are exactly what the vendored Discovery document says', () => {
    expect(DISCOVERY_SHAPES).toEqual(shapesFromDiscovery(readDiscovery()));
  });

  it('cover what a publisher sends: VideoSnippet and VideoStatus fields, privacy enum, the resumable path, media limits', () => {
    const snippet = DISCOVERY_SHAPES.schemas.VideoSnippet!;
    for (const f of ['title', 'description', 'tags', 'categoryId']) expect(snippet[f]).toBeDefined();
    expect(DISCOVERY_SHAPES.schemas.VideoStatus!.privacyStatus).toEqual({ type: 'string', enum: ['public', 'unlisted', 'private'] });
    const insert = DISCOVERY_SHAPES.methods['youtube.videos.insert']!;
    expect(insert.parameters.part).toMatchObject({ required: true, repeated: true });
    expect(insert.mediaMaxSize).toBe(274_877_906_944);
    expect(DISCOVERY_SHAPES.methods['youtube.thumbnails.set']!.mediaAccept).toEqual(['image/jpeg', 'image/png', 'application/octet-stream']);
    expect(DISCOVERY_SHAPES.methods['youtube.thumbnails.set']!.scopes).toContain('https://www.googleapis.com/auth/youtube.upload');
  });

  it("the connector's planned metadata passes them (what Pinion sends is what Google publishes)", async () => {
    const { checkVideoMetadata } = await import('../../../src/sandbox/youtube/validate.js');
    const { planYouTube } = await import('../../../src/connectors/youtube/index.js');
    const video = { id: 'v', kind: 'video' as const, mime: 'video/mp4', size: 1000, width: 720, height: 1280, durationMs: 30_000 };
    const plan = await planYouTube(
      {
        content: 'Title line\nA <fine> description',
        contentField: 'content',
        linkField: 'link',
        link: 'https://example.com',
        mediaId: 'v',
        options: { tags: ['a b', 'c'], category_id: '28', privacy_status: 'unlisted', made_for_kids: false },
        strict: false,
        tag: (l) => l,
        media: () => video,
      },
      { account: { id: 'a', username: '@c', externalId: 'UC1', accountType: 'channel' } } as never,
    );
    expect(plan.errors).toEqual([]);
    const sent = (plan.payload as { video: Record<string, unknown> }).video;
    expect(checkVideoMetadata(sent)).toMatchObject({
      snippet: { categoryId: '28', tags: ['a b', 'c'] },
      status: { privacyStatus: 'unlisted', selfDeclaredMadeForKids: false },
    });
  });
});
