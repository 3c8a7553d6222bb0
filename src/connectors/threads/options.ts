import { Type, type Static } from '@sinclair/typebox';
import { THREADS_LIMITS } from './platform.js';

const Item = Type.Object(
  {
    media_url: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Public image or video URL; Threads downloads it' })),
    media_id: Type.Optional(Type.String({ minLength: 1, description: 'A media uploaded to Pinion (med_…), fetched by Threads from a signed link' })),
    alt_text: Type.Optional(Type.String({ minLength: 1, maxLength: THREADS_LIMITS.altText })),
  },
  { additionalProperties: false },
);

/** `platform_options.threads`; the common overrides (content, link, media_url, media_id) are added by posts/. */
export const ThreadsOptionsSchema = Type.Object(
  {
    thread: Type.Optional(Type.Boolean({ description: 'Text over 500 characters becomes a chain of replies instead of being cut to fit' })),
    media: Type.Optional(
      Type.Array(Item, {
        minItems: 1,
        maxItems: THREADS_LIMITS.carouselMax,
        description: 'Carousel items in order (2 to 10), after media_url/media_id if given',
      }),
    ),
    alt_text: Type.Optional(
      Type.String({ minLength: 1, maxLength: THREADS_LIMITS.altText, description: 'Alt text of the media given by media_url or media_id' }),
    ),
    reply_control: Type.Optional(
      Type.Union(
        ['everyone', 'accounts_you_follow', 'mentioned_only', 'parent_post_author_only', 'followers_only'].map((v) => Type.Literal(v)),
        { description: 'Who may reply' },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ThreadsOptions = Static<typeof ThreadsOptionsSchema>;
