import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { CONNECTORS } from '../../connectors/index.js';
import type { ApiContext } from '../context.js';
import { ListOf } from '../schemas.js';

const PlatformView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    links: Type.String({ description: 'How a post’s link reaches the platform: field, in_text or none' }),
    text: Type.Object({ max: Type.Integer(), unit: Type.String() }),
    capabilities: Type.Record(Type.String(), Type.Union([Type.Boolean(), Type.Integer()])),
    boards: Type.Union(
      [
        Type.Object({
          board_option: Type.String(),
          section_option: Type.Union([Type.String(), Type.Null()]),
          by_name_options: Type.Array(Type.String(), { description: 'Options naming them by name instead' }),
        }),
        Type.Null(),
      ],
      {
        description: 'Where the platform has boards: the options naming the board and the section (fed by /accounts/:id/boards and /sections)',
      },
    ),
    options_schema: Type.Unknown({ description: 'JSON schema of platform_options.<id> (the platform’s own options)' }),
  },
  { $id: 'Platform' },
);

/** The platforms this Pinion publishes to, from the connector registry: forms render per-platform fields from it. */
export async function platformRoutes(app: FastifyInstance, _ctx: ApiContext): Promise<void> {
  const platforms = CONNECTORS.map((c) => ({
    id: c.facts.id,
    name: c.facts.name,
    links: c.facts.links,
    text: { max: c.facts.text.max, unit: c.facts.text.unit },
    capabilities: { ...c.facts.capabilities },
    boards: c.boards
      ? {
          board_option: c.boards.optionFields.board,
          section_option: c.boards.optionFields.section ?? null,
          by_name_options: [...(c.boards.optionFields.byName ?? [])],
        }
      : null,
    options_schema: JSON.parse(JSON.stringify(c.options)) as unknown,
  }));
  app.get(
    '/platforms',
    {
      schema: {
        tags: ['platforms'],
        summary: 'The platforms Pinion publishes to: names, capabilities and each one’s options schema',
        response: { 200: ListOf(PlatformView) },
      },
    },
    async () => ({
      data: platforms,
      next_cursor: null,
    }),
  );
}
