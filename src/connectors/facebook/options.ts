import { Type, type Static } from '@sinclair/typebox';
import { FB_LIMITS } from './platform.js';

const Photo = Type.Object(
  {
    media_url: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Public image URL; Facebook downloads it' })),
    media_id: Type.Optional(Type.String({ minLength: 1, description: 'An image uploaded to Pinion (med_…), fetched by Facebook from a signed link' })),
    alt_text: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Alt text of this photo' })),
  },
  { additionalProperties: false },
);

/** `platform_options.facebook`; the common overrides (content, link, media_url, media_id) are added by posts/. */
export const FacebookOptionsSchema = Type.Object(
  {
    photos: Type.Optional(
      Type.Array(Photo, { minItems: 1, maxItems: FB_LIMITS.maxPhotos, description: 'Photos of one post, after media_url/media_id if given' }),
    ),
    alt_text: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'Alt text of the photo given by media_url or media_id' })),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Video title' })),
  },
  { additionalProperties: false },
);

export type FacebookOptions = Static<typeof FacebookOptionsSchema>;
