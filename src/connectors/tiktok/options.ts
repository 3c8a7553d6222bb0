import { Type, type Static } from '@sinclair/typebox';
import { TIKTOK } from './platform.js';

const Privacy = Type.Union(
  TIKTOK.privacyLevels.map((l) => Type.Literal(l)),
  { description: 'Who can see the post; must be one the creator offers (creator_info). TikTok asks that it is chosen, never defaulted' },
);

/** `platform_options.tiktok`; the common overrides (content, link, media_url, media_id) are added by posts/. */
export const TikTokOptionsSchema = Type.Object(
  {
    privacy_level: Type.Optional(Privacy),
    post_mode: Type.Optional(
      Type.Union([Type.Literal('direct'), Type.Literal('inbox')], {
        description: 'direct (default): published on the profile; inbox: sent to the creator’s TikTok inbox as a draft to finish in the app',
      }),
    ),
    allow_comment: Type.Optional(
      Type.Boolean({ description: 'Let viewers comment (TikTok: off unless chosen); refused when the creator has comments disabled' }),
    ),
    allow_duet: Type.Optional(Type.Boolean({ description: 'Allow duets (videos only; off unless chosen)' })),
    allow_stitch: Type.Optional(Type.Boolean({ description: 'Allow stitches (videos only; off unless chosen)' })),
    video_cover_timestamp_ms: Type.Optional(Type.Integer({ minimum: 0, description: 'Frame of the video used as its cover, in milliseconds' })),
    brand_content_toggle: Type.Optional(Type.Boolean({ description: 'Paid partnership promoting a third-party brand' })),
    brand_organic_toggle: Type.Optional(Type.Boolean({ description: 'Promotes the creator’s own business' })),
    is_aigc: Type.Optional(Type.Boolean({ description: 'The video is AI-generated content' })),
    pull_from_url: Type.Optional(
      Type.Boolean({
        description: 'Let TikTok download the video from media_url (its domain must be verified in the TikTok app settings) instead of Pinion uploading it',
      }),
    ),
    photo_mode: Type.Optional(Type.Boolean({ description: 'A photo post (carousel of 1–35 JPEG/WebP images TikTok downloads by URL) instead of a video' })),
    photo_images: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), {
        minItems: TIKTOK.limits.photoMin,
        maxItems: TIKTOK.limits.photoMax,
        description: 'Photo mode: image URLs from a domain verified for the TikTok app; default: media_url alone',
      }),
    ),
    photo_cover_index: Type.Optional(
      Type.Integer({ minimum: 0, maximum: TIKTOK.limits.photoMax - 1, description: 'Photo mode: which image is the cover (0-based)' }),
    ),
    title: Type.Optional(Type.String({ maxLength: 1000, description: 'Photo mode: the title, up to 90 characters (the content becomes the description)' })),
    auto_add_music: Type.Optional(Type.Boolean({ description: 'Photo mode: let TikTok add recommended music' })),
  },
  { additionalProperties: false },
);

export type TikTokOptions = Static<typeof TikTokOptionsSchema>;
export type PrivacyLevel = (typeof TIKTOK.privacyLevels)[number];
