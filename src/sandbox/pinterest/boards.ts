import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { PinterestError, errors } from './errors.js';
import { jsonBody, optionalEnum, optionalText, pathId } from './input.js';
import { defineOperation } from './operation.js';
import { listed, paginate } from './pagination.js';
import type { Board, BoardPrivacy, BoardSection, SandboxUser } from './state.js';
import { accountView, boardView, pinView, sectionView } from './views.js';

const READ = ['boards:read'];
const WRITE = ['boards:read', 'boards:write'];
const PIN_LIST = ['boards:read', 'pins:read'];
const LIST_PRIVACY = ['ALL', 'PUBLIC', 'PROTECTED', 'SECRET', 'PUBLIC_AND_SECRET'] as const;

// Production answers a missing board with code 40 on board operations too (GET /v5/boards/{id} in http_logs.txt),
// not the spec's 5.18 example code 404.
const boardMissing = () => errors.boardNotFound();
const sectionMissing = () => new PinterestError(404, 404, 'Board section not found.');

function ownedBoard(ctx: SandboxContext, user: SandboxUser, boardId: string): Board {
  const board = ctx.state.boards.get(boardId);
  // Another user's board is reported as missing rather than forbidden, so ids don't leak across users (unverified).
  if (!board || board.ownerId !== user.id) throw boardMissing();
  return board;
}

function ownedSection(ctx: SandboxContext, board: Board, sectionId: string): BoardSection {
  const section = ctx.state.sections.get(sectionId);
  if (!section || section.boardId !== board.id) throw sectionMissing();
  return section;
}

/** Unverified: uniqueness is compared case-insensitively after trimming, as Pinterest's UI appears to. */
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

function boardName(body: Record<string, unknown>, required: boolean): string | undefined {
  const name = optionalText(body, 'name');
  if (name === undefined && !required) return undefined;
  if (typeof name !== 'string' || name.trim() === '') throw errors.boardInvalidOrDuplicated();
  return name;
}

function sectionName(body: Record<string, unknown>): string {
  const name = body['name'];
  if (typeof name !== 'string' || name.length < 1 || [...name].length > 180) throw errors.invalidSectionParameters();
  return name;
}

export function registerBoardRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { state } = ctx;

  defineOperation(app, ctx, { method: 'GET', path: '/user_account', category: 'org_read', scopes: ['user_accounts:read'] }, async ({ user }) => ({
    status: 200,
    body: accountView(user, state),
  }));

  defineOperation(app, ctx, { method: 'GET', path: '/boards', category: 'org_read', scopes: READ }, async ({ request, user }) => {
    const query = request.query as Record<string, unknown>;
    const privacy = optionalEnum(query, 'privacy', LIST_PRIVACY) ?? 'ALL';
    const boards = state.boardsOf(user.id).filter((b) => {
      if (privacy === 'ALL') return true;
      if (privacy === 'PUBLIC_AND_SECRET') return b.privacy !== 'PROTECTED';
      return b.privacy === privacy;
    });
    const page = paginate(listed(boards, ctx.options.listLagMs), query, ctx.options.boardOrder);
    return { status: 200, body: { items: page.items.map((b) => boardView(b, state, ctx.view(request))), bookmark: page.bookmark } };
  });

  defineOperation(app, ctx, { method: 'POST', path: '/boards', category: 'org_write', scopes: WRITE }, async ({ request, user }) => {
    const body = jsonBody(request.body);
    let name = boardName(body, true) as string;
    const description = optionalText(body, 'description') ?? null;
    let privacy: BoardPrivacy = optionalEnum(body, 'privacy', ['PUBLIC', 'PROTECTED', 'SECRET'] as const) ?? 'PUBLIC';
    const isAdsOnly = body['is_ads_only'] === true;
    if (body['is_ads_only'] !== undefined && typeof body['is_ads_only'] !== 'boolean') throw errors.invalidParameters('is_ads_only must be a boolean');
    if (isAdsOnly) {
      name = 'Ad-only Pins';
      privacy = 'PROTECTED';
    }
    if (state.boardsOf(user.id).some((b) => sameName(b.name, name))) throw errors.boardInvalidOrDuplicated();
    const now = new Date();
    const board: Board = { id: state.newId(), ownerId: user.id, name, description, privacy, isAdsOnly, createdAt: now, pinsModifiedAt: now };
    state.boards.set(board.id, board);
    return { status: 201, body: boardView(board, state, ctx.view(request)) };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/boards/{board_id}', category: 'org_read', scopes: READ }, async ({ request, user }) => {
    const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
    return { status: 200, body: boardView(board, state, ctx.view(request)) };
  });

  defineOperation(app, ctx, { method: 'PATCH', path: '/boards/{board_id}', category: 'org_write', scopes: WRITE }, async ({ request, user }) => {
    const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
    const body = jsonBody(request.body);
    const name = boardName(body, false);
    const description = optionalText(body, 'description');
    const privacy = optionalEnum(body, 'privacy', ['PUBLIC', 'SECRET'] as const);
    if (name !== undefined && state.boardsOf(user.id).some((b) => b.id !== board.id && sameName(b.name, name))) {
      throw errors.boardInvalidOrDuplicated();
    }
    if (name !== undefined) board.name = name;
    if (description !== undefined) board.description = description;
    if (privacy !== undefined) board.privacy = privacy;
    return { status: 200, body: boardView(board, state, ctx.view(request)) };
  });

  defineOperation(app, ctx, { method: 'DELETE', path: '/boards/{board_id}', category: 'org_write', scopes: WRITE }, async ({ request, user }) => {
    const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
    state.deleteBoard(board.id);
    return { status: 204 };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/boards/{board_id}/pins', category: 'org_read', scopes: PIN_LIST }, async ({ request, user }) => {
    const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
    const pins = listed(
      [...state.pins.values()].filter((p) => p.boardId === board.id),
      ctx.options.listLagMs,
    );
    const page = paginate(pins, request.query as Record<string, unknown>, ctx.options.listOrder);
    return { status: 200, body: { items: page.items.map((p) => pinView(p, user, state, ctx.view(request))), bookmark: page.bookmark } };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/boards/{board_id}/sections', category: 'org_read', scopes: READ }, async ({ request, user }) => {
    const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
    const sections = [...state.sections.values()].filter((s) => s.boardId === board.id);
    const page = paginate(sections, request.query as Record<string, unknown>, 'oldest-first');
    return { status: 200, body: { items: page.items.map(sectionView), bookmark: page.bookmark } };
  });

  defineOperation(app, ctx, { method: 'POST', path: '/boards/{board_id}/sections', category: 'org_write', scopes: WRITE }, async ({ request, user }) => {
    const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
    const name = sectionName(jsonBody(request.body));
    // Unverified: a duplicate section name is reported as the spec's 409 "conflict".
    if ([...state.sections.values()].some((s) => s.boardId === board.id && sameName(s.name, name))) throw errors.sectionConflict();
    const section: BoardSection = { id: state.newId(), boardId: board.id, name };
    state.sections.set(section.id, section);
    return { status: 201, body: sectionView(section) };
  });

  defineOperation(
    app,
    ctx,
    { method: 'PATCH', path: '/boards/{board_id}/sections/{section_id}', category: 'org_write', scopes: WRITE },
    async ({ request, user }) => {
      const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
      const section = ownedSection(ctx, board, pathId(request.params, 'section_id'));
      const name = sectionName(jsonBody(request.body));
      if ([...state.sections.values()].some((s) => s.boardId === board.id && s.id !== section.id && sameName(s.name, name))) {
        throw errors.sectionConflict();
      }
      section.name = name;
      return { status: 200, body: sectionView(section) };
    },
  );

  defineOperation(
    app,
    ctx,
    { method: 'DELETE', path: '/boards/{board_id}/sections/{section_id}', category: 'org_write', scopes: WRITE },
    async ({ request, user }) => {
      const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
      const section = ownedSection(ctx, board, pathId(request.params, 'section_id'));
      state.deleteSection(section.id);
      return { status: 204 };
    },
  );

  defineOperation(
    app,
    ctx,
    { method: 'GET', path: '/boards/{board_id}/sections/{section_id}/pins', category: 'org_read', scopes: PIN_LIST },
    async ({ request, user }) => {
      const board = ownedBoard(ctx, user, pathId(request.params, 'board_id'));
      const section = ownedSection(ctx, board, pathId(request.params, 'section_id'));
      const pins = listed(
        [...state.pins.values()].filter((p) => p.sectionId === section.id),
        ctx.options.listLagMs,
      );
      const page = paginate(pins, request.query as Record<string, unknown>, ctx.options.listOrder);
      return { status: 200, body: { items: page.items.map((p) => pinView(p, user, state, ctx.view(request))), bookmark: page.bookmark } };
    },
  );
}
