import { Type, type Static } from '@sinclair/typebox';
import { CONNECTORS, PLATFORM_IDS } from '../connectors/index.js';

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

/** Fields any platform's options may carry to replace the post-wide value for that platform only. */
const OVERRIDES = {
  content: Type.Optional(
    Type.String({ maxLength: 10_000, description: 'Text for this platform only, instead of content; never shortened (an error if too long)' }),
  ),
  link: Type.Optional(Type.String({ maxLength: 4096, description: 'Link for this platform only, instead of link' })),
  media_url: Type.Optional(HttpUrl('Media URL for this platform only, instead of media_url')),
  media_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Stored media for this platform only, instead of media_id' })),
};

/** `platform_options`: one entry per platform in the registry, its own options plus the common overrides. */
const PlatformOptionsSchema = Type.Object(
  Object.fromEntries(
    CONNECTORS.map((c) => [
      c.facts.id,
      Type.Optional(
        Type.Object(
          { ...c.options.properties, ...OVERRIDES },
          { additionalProperties: false, description: `${c.facts.name}: its options, and content/link/media for ${c.facts.name} only` },
        ),
      ),
    ]),
  ),
  { additionalProperties: false, description: 'Per-platform options and overrides, keyed by platform id' },
);

export const PostRequestSchema = Type.Object(
  {
    content: Type.Optional(Type.String({ maxLength: 10_000, description: 'The post text, fitted to each platform (see strict)' })),
    platforms: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
      minItems: 1,
      maxItems: 20,
      uniqueItems: true,
      description: `Platforms to publish to: ${PLATFORM_IDS.join(', ')}`,
    }),
    media_url: Type.Optional(HttpUrl('Image URL')),
    media_id: Type.Optional(Type.String({ minLength: 1, description: 'An image or video uploaded to Pinion (med_…), instead of media_url' })),
    link: Type.Optional(Type.String({ description: 'Destination link' })),
    scheduled_at: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'ISO 8601. With an offset (2031-05-01T09:00:00+02:00, from -12:00 to +14:00) it is exact; without one, `timezone` says where (a time the clocks skip moves forward; see `fold` for one they repeat). `next_slot`: the account’s next free queue slot. Omitted: as soon as possible (or the season’s lead time). At most 9999-12-31T23:59:59Z.',
      }),
    ),
    queue: Type.Optional(Type.Boolean({ description: 'true: take the next free queue slot of the account (as scheduled_at: "next_slot")' })),
    season: Type.Optional(
      Type.Object(
        {
          event: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 60,
              description:
                'A built-in event: christmas, halloween, valentines_day, mothers_day, fathers_day, easter, black_friday, cyber_monday, thanksgiving, back_to_school, new_year, st_patricks_day',
            }),
          ),
          event_date: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'The event’s day, YYYY-MM-DD, instead of event' })),
          lead_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, description: 'Days before the event the post should be out (default 45)' })),
          country: Type.Optional(
            Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166 country, for events whose day differs by country (default US)' }),
          ),
          year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2200, description: 'The event’s year (default: the next one)' })),
        },
        {
          additionalProperties: false,
          description: 'Seasonal content: scheduled lead_days before the event when scheduled_at is omitted; a warning when scheduled later',
        },
      ),
    ),
    interval: Type.Optional(
      Type.String({
        minLength: 2,
        maxLength: 40,
        description:
          'ISO 8601 duration (P3D, PT12H) between the destinations of one account (several boards): the first at scheduled_at, the next one interval later, …',
      }),
    ),
    keywords: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 80 }), {
        maxItems: 20,
        description: 'Search keywords: posts:validate warns when the title carries none',
      }),
    ),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA time zone, e.g. Europe/Paris' })),
    fold: Type.Optional(
      Type.Union([Type.Literal('earlier'), Type.Literal('later')], {
        description:
          'When scheduled_at has no offset and names a time that happens twice in timezone (the clocks go back), which one: earlier (the default, with a warning) or later',
      }),
    ),
    accounts: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Account ids or usernames, when the workspace has several accounts on a platform',
      }),
    ),
    utm: Type.Optional(Type.Union([Type.Boolean(), UtmSchema], { description: 'true: the workspace UTM defaults; an object: these parameters; false: none' })),
    platform_options: Type.Optional(PlatformOptionsSchema),
    strict: Type.Optional(Type.Boolean({ description: 'Refuse (422) instead of adapting: no text fitted, no link moved or dropped for any platform' })),
    campaign_id: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 100 }), Type.Null()], {
        description: 'The campaign (GET /api/v1/campaigns) the post belongs to; null in PATCH takes it out of its campaign',
      }),
    ),
  },
  { additionalProperties: false, $id: 'PostRequest' },
);

export type PostRequest = Omit<Static<typeof PostRequestSchema>, 'platform_options'> & { platform_options?: Record<string, PlatformOptions | undefined> };
/** One platform's options with the common overrides; the platform's own fields are its connector's business. */
export type PlatformOptions = { content?: string; link?: string; media_url?: string; media_id?: string } & Record<string, unknown>;
export type UtmParams = Static<typeof UtmSchema>;
