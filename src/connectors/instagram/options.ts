import { Type, type Static } from '@sinclair/typebox';
import { IG_LIMITS } from './platform.js';

const Item = Type.Object(
  {
    media_url: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Public image (JPEG) or video URL; Instagram downloads it' })),
    media_id: Type.Optional(
      Type.String({ minLength: 1, description: 'A media uploaded to Pinion (med_…): Instagram downloads images from a signed link; videos are uploaded' }),
    ),
    alt_text: Type.Optional(Type.String({ minLength: 1, maxLength: IG_LIMITS.altText, description: 'Alt text of this image' })),
  },
  { additionalProperties: false },
);

/** `platform_options.instagram`; the common overrides (content, link, media_url, media_id) are added by posts/. */
export const InstagramOptionsSchema = Type.Object(
  {
    kind: Type.Optional(
      Type.Union([Type.Literal('feed'), Type.Literal('reels'), Type.Literal('story')], {
        description:
          'feed (default): an image, or a carousel when several media are given; a single video is a Reel. story: one image or video, business accounts only',
      }),
    ),
    media: Type.Optional(
      Type.Array(Item, {
        minItems: 1,
        maxItems: IG_LIMITS.carouselMax,
        description: 'Carousel items in order (2 to 10, images and videos), after media_url/media_id if given',
      }),
    ),
    alt_text: Type.Optional(Type.String({ minLength: 1, maxLength: IG_LIMITS.altText, description: 'Alt text of the image given by media_url or media_id' })),
    share_to_feed: Type.Optional(Type.Boolean({ description: 'Reels: also show in the profile feed (default true)' })),
    cover_url: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Reels: cover image URL (JPEG)' })),
    thumb_offset: Type.Optional(Type.Integer({ minimum: 0, description: 'Reels: the frame (ms) to use as cover when no cover_url' })),
    fit: Type.Optional(
      Type.Union([Type.Literal('crop'), Type.Literal('pad')], {
        description: 'Feed images outside 4:5–1.91:1: crop the middle, or pad with white bands, when publishing (default: refuse such images)',
      }),
    ),
    link_in_first_comment: Type.Optional(
      Type.Boolean({ description: 'Captions have no clickable links: post the link as the first comment instead of dropping it' }),
    ),
  },
  { additionalProperties: false },
);

export type InstagramOptions = Static<typeof InstagramOptionsSchema>;
