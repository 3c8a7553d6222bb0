import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { connectorFor, type AccountContext, type Board, type BoardsCapability, type Section } from '../../connectors/index.js';
import { toAccount, type AccountRow } from '../../accounts/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem } from '../problem.js';
import { closestNames } from '../../shared/index.js';
import { ListOf } from '../schemas.js';
import { accountOf } from './accounts.js';
import { connectorProblem } from './connector-problem.js';

const BoardView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    privacy: Type.Union([Type.String(), Type.Null()]),
    pin_count: Type.Union([Type.Integer(), Type.Null()]),
  },
  { $id: 'Board' },
);
const SectionView = Type.Object({ id: Type.String(), board_id: Type.String(), name: Type.String() }, { $id: 'BoardSection' });
const BoardList = Type.Intersect([ListOf(BoardView), Type.Object({ fetched_at: Type.String({ format: 'date-time' }) })]);
const AccountParams = Type.Object({ id: Type.String() });
const BoardParams = Type.Object({ id: Type.String(), board: Type.String({ minLength: 1, description: 'Board id or name' }) });
const RefreshQuery = Type.Object(
  { refresh: Type.Optional(Type.Boolean({ description: 'Fetch from the platform instead of the cache' })) },
  { additionalProperties: false },
);
const CreateBoard = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 180 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    privacy: Type.Optional(Type.Union([Type.Literal('PUBLIC'), Type.Literal('PROTECTED'), Type.Literal('SECRET')])),
  },
  { additionalProperties: false },
);
const CreateSection = Type.Object({ name: Type.String({ minLength: 1, maxLength: 180 }) }, { additionalProperties: false });

const boardView = (b: Board) => ({ id: b.id, name: b.name, description: b.description, privacy: b.privacy, pin_count: b.pinCount });
const sectionView = (s: Section) => ({ id: s.id, board_id: s.boardId, name: s.name });

/** Boards and sections of an account whose platform has them; boards are addressed by id or by name. */
export async function boardRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['boards'];
  const withBoards = async (workspaceId: string, id: string): Promise<{ boards: BoardsCapability; at: AccountContext }> => {
    const row: AccountRow = await accountOf(ctx, workspaceId, id);
    const connector = connectorFor(row.platform);
    if (!connector.boards) throw new HttpProblem(400, 'no-boards', `${connector.facts.name} accounts have no boards`);
    return { boards: connector.boards, at: ctx.accounts.context({ ...toAccount(row) }) };
  };
  const platform = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw connectorProblem(err);
    }
  };
  const boardOf = async ({ boards, at }: { boards: BoardsCapability; at: AccountContext }, idOrName: string) => {
    const board = await platform(() => boards.resolve(at, idOrName));
    if (board) return board;
    // Say what is there: a typo in a board name is the usual cause.
    const names = (await platform(() => boards.list(at))).boards.map((b) => b.name);
    const hint = names.length
      ? `closest: ${closestNames(idOrName, names).join(', ')}`
      : `the account has no boards yet: create one with POST /api/v1/accounts/${at.account.id}/boards`;
    throw new HttpProblem(404, 'not-found', `No board "${idOrName}" on account ${at.account.username} (${hint})`);
  };

  app.get<{ Params: Static<typeof AccountParams>; Querystring: Static<typeof RefreshQuery> }>(
    '/accounts/:id/boards',
    {
      config: { scope: 'accounts:read' },
      schema: {
        tags,
        summary: "List the account's boards (all pages, cached)",
        params: AccountParams,
        querystring: RefreshQuery,
        response: { 200: BoardList },
      },
    },
    async (request) => {
      const a = await withBoards(request.caller.workspaceId, request.params.id);
      const { boards, fetchedAt } = await platform(() => a.boards.list(a.at, { refresh: request.query.refresh }));
      return { data: boards.map(boardView), next_cursor: null, fetched_at: fetchedAt.toISOString() };
    },
  );

  app.post<{ Params: Static<typeof AccountParams>; Body: Static<typeof CreateBoard> }>(
    '/accounts/:id/boards',
    {
      config: { scope: 'accounts:write' },
      schema: { tags, summary: 'Create a board', params: AccountParams, body: CreateBoard, response: { 201: BoardView } },
    },
    async (request, reply) => {
      const a = await withBoards(request.caller.workspaceId, request.params.id);
      const board = await platform(() => a.boards.create(a.at, request.body));
      return reply.code(201).send(boardView(board));
    },
  );

  app.get<{ Params: Static<typeof BoardParams> }>(
    '/accounts/:id/boards/:board',
    { config: { scope: 'accounts:read' }, schema: { tags, summary: 'Get a board by id or name', params: BoardParams, response: { 200: BoardView } } },
    async (request) => {
      const a = await withBoards(request.caller.workspaceId, request.params.id);
      return boardView(await boardOf(a, request.params.board));
    },
  );

  app.get<{ Params: Static<typeof BoardParams>; Querystring: Static<typeof RefreshQuery> }>(
    '/accounts/:id/boards/:board/sections',
    {
      config: { scope: 'accounts:read' },
      schema: { tags, summary: "List a board's sections (cached)", params: BoardParams, querystring: RefreshQuery, response: { 200: ListOf(SectionView) } },
    },
    async (request) => {
      const a = await withBoards(request.caller.workspaceId, request.params.id);
      const board = await boardOf(a, request.params.board);
      const sections = await platform(() => a.boards.sections(a.at, board.id, { refresh: request.query.refresh }));
      return { data: sections.map(sectionView), next_cursor: null };
    },
  );

  app.post<{ Params: Static<typeof BoardParams>; Body: Static<typeof CreateSection> }>(
    '/accounts/:id/boards/:board/sections',
    {
      config: { scope: 'accounts:write' },
      schema: { tags, summary: 'Create a board section', params: BoardParams, body: CreateSection, response: { 201: SectionView } },
    },
    async (request, reply) => {
      const a = await withBoards(request.caller.workspaceId, request.params.id);
      const board = await boardOf(a, request.params.board);
      const section = await platform(() => a.boards.createSection(a.at, board.id, request.body.name));
      return reply.code(201).send(sectionView(section));
    },
  );
}
