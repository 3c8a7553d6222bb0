import { Type, type Static } from '@sinclair/typebox';
import { LINKEDIN_LIMITS, VERSION_PATTERN } from './platform.js';

const AltText = (description: string) => Type.String({ minLength: 1, maxLength: LINKEDIN_LIMITS.altText, description });

export const LinkedInImageSchema = Type.Object(
  {
    media_url: Type.Optional(
      Type.String({ minLength: 1, maxLength: 4096, description: 'Image URL; Pinion downloads it when publishing (LinkedIn takes no image by URL)' }),
    ),
    media_id: Type.Optional(Type.String({ minLength: 1, description: 'An image uploaded to Pinion (med_…), instead of media_url' })),
    alt_text: Type.Optional(AltText('Alt text of this image')),
  },
  { additionalProperties: false },
);

/** `platform_options.linkedin`; the common overrides (content, link, media_url, media_id) are added by posts/. */
export const LinkedInOptionsSchema = Type.Object(
  {
    visibility: Type.Optional(
      Type.Union([Type.Literal('PUBLIC'), Type.Literal('CONNECTIONS'), Type.Literal('LOGGED_IN')], {
        description: 'Who sees the post (default PUBLIC); CONNECTIONS only for a member, not a company page',
      }),
    ),
    title: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: LINKEDIN_LIMITS.articleTitle,
        description: "Title of the link's article card; default: the first line of the content",
      }),
    ),
    description: Type.Optional(
      Type.String({ minLength: 1, maxLength: LINKEDIN_LIMITS.articleDescription, description: "Description on the link's article card" }),
    ),
    thumbnail_url: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: "Image of the link's article card, by URL" })),
    thumbnail_media_id: Type.Optional(Type.String({ minLength: 1, description: "Image of the link's article card, uploaded to Pinion (med_…)" })),
    alt_text: Type.Optional(AltText('Alt text of the image given by media_url or media_id (or of the article thumbnail)')),
    images: Type.Optional(
      Type.Array(LinkedInImageSchema, {
        minItems: 1,
        maxItems: LINKEDIN_LIMITS.maxImages,
        description: 'More images: 2 to 20 per post, counting media_url or media_id',
      }),
    ),
    video_title: Type.Optional(Type.String({ minLength: 1, maxLength: LINKEDIN_LIMITS.articleTitle, description: 'Title of the video' })),
    disable_reshare: Type.Optional(Type.Boolean({ description: 'Others may not reshare the post' })),
    api_version: Type.Optional(
      Type.String({ pattern: VERSION_PATTERN, description: 'LinkedIn-Version (YYYYMM) to publish with; default: the version this Pinion was built against' }),
    ),
  },
  { additionalProperties: false },
);

export type LinkedInOptions = Static<typeof LinkedInOptionsSchema>;
export type Visibility = NonNullable<LinkedInOptions['visibility']>;
