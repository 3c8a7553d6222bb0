import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { IANAZone } from 'luxon';
import { DEFAULT_LEAD_DAYS, EVENTS, planSeason } from '../../posts/index.js';
import type { ApiContext } from '../context.js';
import { invalid } from '../problem.js';
import { isoTime } from '../schemas.js';

const Query = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2200, description: 'Default: each event’s next occurrence' })),
    country: Type.Optional(Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166 country (default US)' })),
    lead_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365, default: DEFAULT_LEAD_DAYS })),
    timezone: Type.Optional(Type.String({ minLength: 1, description: 'IANA zone publish_by is 09:00 in (default UTC)' })),
  },
  { additionalProperties: false },
);
const SeasonList = Type.Object({
  data: Type.Array(
    Type.Object({
      event: Type.String(),
      name: Type.String(),
      event_date: Type.String(),
      lead_days: Type.Integer(),
      publish_by: Type.String({ format: 'date-time' }),
    }),
  ),
});

/** The built-in seasonal events with their day and the time seasonal posts should be out by. */
export async function seasonRoutes(app: FastifyInstance, _ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/seasons',
    {
      config: { scope: 'posts:read' },
      schema: {
        tags: ['posts'],
        summary: 'Built-in seasonal events for a year (and country): each day and its publish-by time for a lead',
        querystring: Query,
        response: { 200: SeasonList },
      },
    },
    async (request) => {
      const q = request.query;
      const zone = q.timezone ?? 'UTC';
      if (!IANAZone.isValidZone(zone)) throw invalid([{ field: 'timezone', message: `is not an IANA time zone: "${zone}"` }]);
      const data = Object.keys(EVENTS).map((event) => {
        const { plan } = planSeason({ event, year: q.year, country: q.country, lead_days: q.lead_days }, zone, Date.now());
        return { event, name: plan!.eventName, event_date: plan!.eventDate, lead_days: plan!.leadDays, publish_by: isoTime(plan!.publishBy) };
      });
      return { data: data.sort((a, b) => a.event_date.localeCompare(b.event_date)) };
    },
  );
}
