import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Board, Section } from '../../accounts/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, notFound } from '../problem.js';
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
const RefreshQuery = Type.Object({ refresh: Type.Optional(Type.Boolean({ description: 'Fetch from the platform instead of the cache' })) }, { additionalProperties: false });
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

/** Boards and sections of a Pinterest account; boards are addressed by id or by name. */
export async function boardRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const tags = ['boards'];
  const pinterestAccount = async (workspaceId: string, id: string) => {
    const row = await accountOf(ctx, workspaceId, id);
    if (row.platform !== 'pinterest') throw new HttpProblem(400, 'no-boards', `${row.platform} accounts have no boards`);
    return row;
  };
  const platform = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw connectorProblem(err);
    }
  };
  const boardOf = async (accountId: string, idOrName: string) => {
    const board = await platform(() => ctx.accounts.boards().resolve(accountId, idOrName));
    if (!board) throw notFound(`Board "${idOrName}"`);
    return board;
  };

  app.get<{ Params: Static<typeof AccountParams>; Querystring: Static<typeof RefreshQuery> }>(
    '/accounts/:id/boards',
    { config: { scope: 'accounts:read' }, schema: { tags, summary: "List the account's boards (all pages, cached)", params: AccountParams, querystring: RefreshQuery, response: { 200: BoardList } } },
    async (request) => {
      const account = await pinterestAccount(request.caller.workspaceId, request.params.id);
      const { boards, fetchedAt } = await platform(() => ctx.accounts.boards().list(account.id, { refresh: request.query.refresh }));
      return { data: boards.map(boardView), next_cursor: null, fetched_at: fetchedAt.toISOString() };
    },
  );

  app.post<{ Params: Static<typeof AccountParams>; Body: Static<typeof CreateBoard> }>(
    '/accounts/:id/boards',
    { config: { scope: 'accounts:write' }, schema: { tags, summary: 'Create a board', params: AccountParams, body: CreateBoard, response: { 201: BoardView } } },
    async (request, reply) => {
      const account = await pinterestAccount(request.caller.workspaceId, request.params.id);
      const board = await platform(() => ctx.accounts.boards().create(account.id, request.body));
      return reply.code(201).send(boardView(board));
    },
  );

  app.get<{ Params: Static<typeof BoardParams> }>(
    '/accounts/:id/boards/:board',
    { config: { scope: 'accounts:read' }, schema: { tags, summary: 'Get a board by id or name', params: BoardParams, response: { 200: BoardView } } },
    async (request) => {
      const account = await pinterestAccount(request.caller.workspaceId, request.params.id);
      return boardView(await boardOf(account.id, request.params.board));
    },
  );

  app.get<{ Params: Static<typeof BoardParams>; Querystring: Static<typeof RefreshQuery> }>(
    '/accounts/:id/boards/:board/sections',
    { config: { scope: 'accounts:read' }, schema: { tags, summary: "List a board's sections (cached)", params: BoardParams, querystring: RefreshQuery, response: { 200: ListOf(SectionView) } } },
    async (request) => {
      const account = await pinterestAccount(request.caller.workspaceId, request.params.id);
      const board = await boardOf(account.id, request.params.board);
      const sections = await platform(() => ctx.accounts.boards().sections(account.id, board.id, { refresh: request.query.refresh }));
      return { data: sections.map(sectionView), next_cursor: null };
    },
  );

  app.post<{ Params: Static<typeof BoardParams>; Body: Static<typeof CreateSection> }>(
    '/accounts/:id/boards/:board/sections',
    { config: { scope: 'accounts:write' }, schema: { tags, summary: 'Create a board section', params: BoardParams, body: CreateSection, response: { 201: SectionView } } },
    async (request, reply) => {
      const account = await pinterestAccount(request.caller.workspaceId, request.params.id);
      const board = await boardOf(account.id, request.params.board);
      const section = await platform(() => ctx.accounts.boards().createSection(account.id, board.id, request.body.name));
      return reply.code(201).send(sectionView(section));
    },
  );
}
