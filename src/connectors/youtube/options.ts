import { Type, type Static } from '@sinclair/typebox';

/** `platform_options.youtube`: the video's title, tags, category, privacy and cover. */
export const YouTubeOptionsSchema = Type.Object(
  {
    title: Type.Optional(
      Type.String({ minLength: 1, description: 'Video title, up to 100 characters, no < or >. Default: the first line of content, fitted to 100.' }),
    ),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Tags, up to 500 characters in all (commas and quotes around tags with spaces count).' }),
    ),
    category_id: Type.Optional(Type.String({ pattern: '^[0-9]+$', description: 'YouTube video category id; default 22 (People & Blogs).' })),
    privacy_status: Type.Optional(Type.Union([Type.Literal('public'), Type.Literal('unlisted'), Type.Literal('private')], { description: 'Default public.' })),
    cover_media_id: Type.Optional(Type.String({ minLength: 1, description: 'Stored image (JPEG or PNG, up to 2 MiB) set as the custom thumbnail.' })),
    cover_url: Type.Optional(Type.String({ format: 'uri', description: 'Image URL (JPEG or PNG, up to 2 MiB) set as the custom thumbnail.' })),
    made_for_kids: Type.Optional(Type.Boolean({ description: 'status.selfDeclaredMadeForKids.' })),
    notify_subscribers: Type.Optional(Type.Boolean({ description: "Default true (YouTube's default)." })),
    shorts_hashtag: Type.Optional(
      Type.Boolean({ description: 'For a Short (square or vertical, up to 3 minutes): add #Shorts to the description. Default true.' }),
    ),
  },
  { additionalProperties: false },
);

export type YouTubeOptions = Static<typeof YouTubeOptionsSchema>;
