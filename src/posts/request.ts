import { Type, type Static } from '@sinclair/typebox';
import { PLATFORM_IDS } from '../connectors/index.js';

const HttpUrl = (description: string) => Type.String({ minLength: 1, maxLength: 4096, description });

export const UtmSchema = Type.Object(
  {
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    medium: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    term: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    content: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CarouselItemSchema = Type.Object(
  {
    media_url: Type.Optional(HttpUrl('Image URL of this slide')),
    media_id: Type.Optional(Type.String({ minLength: 1, description: 'An image uploaded to Pinion (med_…), instead of media_url' })),
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    link: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/** Pinterest's options. Limits are checked against Pinterest's contract, so they live with the connector, not here. */
export const PinterestOptionsSchema = Type.Object(
  {
    board_id: Type.Optional(Type.String({ minLength: 1, description: 'Board id' })),
    board: Type.Optional(Type.String({ minLength: 1, description: 'Board name (looked up on the account), instead of board_id' })),
    board_section_id: Type.Optional(Type.String({ minLength: 1 })),
    board_section: Type.Optional(Type.String({ minLength: 1, description: 'Section name, instead of board_section_id' })),
    title: Type.Optional(Type.String({ description: 'Pin title, up to 100 characters' })),
    description: Type.Optional(Type.String({ description: 'Pin description, up to 800 characters (defaults to content)' })),
    link: Type.Optional(Type.String({ description: 'Destination link for Pinterest only (defaults to link)' })),
    alt_text: Type.Optional(Type.String({ description: 'Alt text, up to 500 characters' })),
    dominant_color: Type.Optional(Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' })),
    carousel: Type.Optional(Type.Array(CarouselItemSchema, { description: 'Carousel pin: 2 to 5 images, each with its own title, description and link' })),
    cover_image_url: Type.Optional(Type.String({ description: 'Video pins: cover image URL' })),
    cover_media_id: Type.Optional(Type.String({ minLength: 1, description: 'Video pins: cover image uploaded to Pinion (med_…)' })),
    cover_key_frame_time: Type.Optional(Type.Integer({ minimum: 0, description: 'Video pins: use the frame at this second as the cover' })),
  },
  { additionalProperties: false },
);

export const PostRequestSchema = Type.Object(
  {
    content: Type.Optional(Type.String({ maxLength: 10_000, description: 'The post text; Pinterest uses it as the pin description unless one is given' })),
    platforms: Type.Array(Type.Union(PLATFORM_IDS.map((p) => Type.Literal(p))), { minItems: 1, uniqueItems: true }),
    media_url: Type.Optional(HttpUrl('Image URL')),
    media_id: Type.Optional(Type.String({ minLength: 1, description: 'An image or video uploaded to Pinion (med_…), instead of media_url' })),
    link: Type.Optional(Type.String({ description: 'Destination link' })),
    scheduled_at: Type.Optional(
      Type.String({ minLength: 1, description: 'ISO 8601. With an offset (2031-05-01T09:00:00+02:00, from -12:00 to +14:00) it is exact; without one, `timezone` says where (a time the clocks skip moves forward; see `fold` for one they repeat). Omitted: as soon as possible. At most 9999-12-31T23:59:59Z.' }),
    ),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone, e.g. Europe/Paris' })),
    fold: Type.Optional(
      Type.Union([Type.Literal('earlier'), Type.Literal('later')], {
        description: 'When scheduled_at has no offset and names a time that happens twice in timezone (the clocks go back), which one: earlier (the default, with a warning) or later',
      }),
    ),
    accounts: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true, description: 'Account ids or usernames, when the workspace has several accounts on a platform' })),
    utm: Type.Optional(Type.Union([Type.Boolean(), UtmSchema], { description: 'true: the workspace UTM defaults; an object: these parameters; false: none' })),
    platform_options: Type.Optional(Type.Object({ pinterest: Type.Optional(PinterestOptionsSchema) }, { additionalProperties: false })),
  },
  { additionalProperties: false, $id: 'PostRequest' },
);

export type PostRequest = Static<typeof PostRequestSchema>;
export type PinterestOptions = Static<typeof PinterestOptionsSchema>;
export type UtmParams = Static<typeof UtmSchema>;
