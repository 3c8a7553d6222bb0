import { Type, type Static } from '@sinclair/typebox';
import { X_LIMITS } from './platform.js';

const AltText = (description: string) => Type.String({ minLength: 1, maxLength: X_LIMITS.altText, description });

export const XImageSchema = Type.Object(
  {
    media_url: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: 'Image URL; Pinion downloads it when publishing (X takes no image by URL)' }),
    ),
    media_id: Type.Optional(Type.String({ minLength: 1, description: 'An image uploaded to Pinion (med_…), instead of media_url' })),
    alt_text: Type.Optional(AltText('Alt text of this image, up to 1000 characters')),
  },
  { additionalProperties: false },
);

/** `platform_options.x`; the common overrides (content, link, media_url, media_id) are added by posts/. */
export const XOptionsSchema = Type.Object(
  {
    thread: Type.Optional(
      Type.Boolean({ description: 'Text over 280 weighted characters becomes a thread of replies (each part ending " k/n") instead of being cut to fit' }),
    ),
    reply_settings: Type.Optional(
      Type.Union([Type.Literal('following'), Type.Literal('mentionedUsers'), Type.Literal('subscribers'), Type.Literal('verified')], {
        description: 'Who may reply (every post of a thread); omitted: everyone',
      }),
    ),
    alt_text: Type.Optional(AltText('Alt text of the image given by media_url or media_id, up to 1000 characters')),
    images: Type.Optional(
      Type.Array(XImageSchema, {
        minItems: 1,
        maxItems: X_LIMITS.maxImages,
        description: 'More images, each with its own alt text: up to 4 images per post, counting media_url or media_id',
      }),
    ),
  },
  { additionalProperties: false },
);

export type XOptions = Static<typeof XOptionsSchema>;
export type ReplySettings = NonNullable<XOptions['reply_settings']>;
