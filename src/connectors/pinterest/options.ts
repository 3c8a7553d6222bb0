import { Type, type Static } from '@sinclair/typebox';
import { PINTEREST } from './platform.js';

const L = PINTEREST.limits;

export const CarouselItemSchema = Type.Object(
  {
    media_url: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Image URL of this slide' })),
    media_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'An image uploaded to Pinion (med_…), instead of media_url' })),
    title: Type.Optional(Type.String({ maxLength: L.title })),
    description: Type.Optional(Type.String({ maxLength: L.description })),
    link: Type.Optional(Type.String({ maxLength: L.link })),
  },
  { additionalProperties: false },
);

export const BoardPlaceSchema = Type.Object(
  {
    board_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    board: Type.Optional(Type.String({ minLength: 1, maxLength: 180, description: 'Board name' })),
    board_section_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    board_section: Type.Optional(Type.String({ minLength: 1, maxLength: L.sectionName })),
  },
  { additionalProperties: false },
);

/** `platform_options.pinterest`: where the pin goes and what Pinterest-only fields it carries. */
export const PinterestOptionsSchema = Type.Object(
  {
    board_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Board id' })),
    board: Type.Optional(Type.String({ minLength: 1, maxLength: 180, description: 'Board name (looked up on the account), instead of board_id' })),
    board_section_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    board_section: Type.Optional(Type.String({ minLength: 1, maxLength: L.sectionName, description: 'Section name, instead of board_section_id' })),
    boards: Type.Optional(
      Type.Array(BoardPlaceSchema, {
        minItems: 1,
        maxItems: 20,
        description:
          'Several boards (and sections) of the account, instead of board: one pin each, in this order, `interval` apart (the post’s interval field)',
      }),
    ),
    title: Type.Optional(Type.String({ description: `Pin title, up to ${L.title} characters` })),
    description: Type.Optional(Type.String({ description: `Pin description, up to ${L.description} characters (defaults to content, fitted)` })),
    alt_text: Type.Optional(Type.String({ description: `Alt text, up to ${L.altText} characters` })),
    dominant_color: Type.Optional(Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' })),
    carousel: Type.Optional(
      Type.Array(CarouselItemSchema, {
        maxItems: 20,
        description: `Carousel pin: ${L.carouselMin} to ${L.carouselMax} images, each with its own title, description and link`,
      }),
    ),
    cover_image_url: Type.Optional(Type.String({ maxLength: 4096, description: 'Video pins: cover image URL' })),
    cover_media_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Video pins: cover image uploaded to Pinion (med_…)' })),
    cover_key_frame_time: Type.Optional(Type.Integer({ minimum: 0, description: 'Video pins: use the frame at this second as the cover' })),
  },
  { additionalProperties: false },
);

export type PinterestOptions = Static<typeof PinterestOptionsSchema>;
