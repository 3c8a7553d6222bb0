import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { jsonBody, optionalId, optionalLink, optionalText, pathId, type Body } from './input.js';
import { resolveMediaSource } from './media-source.js';
import { defineOperation } from './operation.js';
import { listed, paginate } from './pagination.js';
import type { Board, Pin, SandboxUser } from './state.js';
import { pinView } from './views.js';

const PIN_READ = ['boards:read', 'pins:read'];
const PIN_WRITE = ['boards:read', 'boards:write', 'pins:read', 'pins:write'];

function targetBoard(ctx: SandboxContext, user: SandboxUser, boardId: string): Board {
  const board = ctx.state.boards.get(boardId);
  if (!board || board.ownerId !== user.id) throw errors.boardNotFound();
  return board;
}

function targetSection(ctx: SandboxContext, board: Board, sectionId: string | null | undefined): string | null {
  if (sectionId === undefined || sectionId === null) return null;
  const section = ctx.state.sections.get(sectionId);
  if (!section || section.boardId !== board.id) throw errors.sectionNotFound();
  return section.id;
}

function ownPin(ctx: SandboxContext, user: SandboxUser, pinId: string): Pin {
  const pin = ctx.state.pins.get(pinId);
  // Unverified: another user's pin is reported as not found (the sandbox keeps users fully separate).
  if (!pin || pin.ownerId !== user.id) throw errors.pinNotFound();
  return pin;
}

function listFilter(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','));
  return values.filter((v) => v !== '');
}

export function registerPinRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { state } = ctx;

  defineOperation(app, ctx, { method: 'POST', path: '/pins', category: 'org_write', scopes: PIN_WRITE }, async ({ request, user }) => {
    const body = jsonBody(request.body);
    // Unverified: the spec marks nothing required, but a pin cannot exist without a board and media.
    const boardId = optionalId(body, 'board_id');
    if (!boardId) throw errors.invalidParameters('board_id is required');
    const title = optionalText(body, 'title', 100) ?? null;
    const description = optionalText(body, 'description', 800) ?? null;
    const link = optionalLink(body, 'link') ?? null;
    const altText = optionalText(body, 'alt_text', 500) ?? null;
    const dominantColor = optionalText(body, 'dominant_color') ?? null;
    const parentPinId = optionalId(body, 'parent_pin_id') ?? null;
    const sectionId = optionalId(body, 'board_section_id');
    const board = targetBoard(ctx, user, boardId);
    const section = targetSection(ctx, board, sectionId);
    const media = await resolveMediaSource(ctx, user, body['media_source']);

    const pin: Pin = {
      id: state.newId(),
      ownerId: user.id,
      boardId: board.id,
      sectionId: section,
      parentPinId,
      title,
      description,
      link,
      altText,
      dominantColor: dominantColor ?? media.dominantColor,
      isStandard: media.isStandard,
      creativeType: media.creativeType,
      createdAt: new Date(ctx.clock.now()),
      items: media.items,
      videoMediaId: media.videoMediaId,
    };
    state.pins.set(pin.id, pin);
    board.pinsModifiedAt = pin.createdAt;
    return { status: 201, body: pinView(pin, user, state, ctx.view(request)) };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/pins', category: 'org_read', scopes: PIN_READ }, async ({ request, user }) => {
    const query = request.query as Record<string, unknown>;
    const types = listFilter(query['creative_types']);
    const pins = listed(state.pinsOf(user.id), ctx.options.listLagMs).filter((p) => types === undefined || types.includes(p.creativeType));
    const page = paginate(pins, query, ctx.options.listOrder);
    return { status: 200, body: { items: page.items.map((p) => pinView(p, user, state, ctx.view(request))), bookmark: page.bookmark } };
  });

  defineOperation(app, ctx, { method: 'GET', path: '/pins/{pin_id}', category: 'org_read', scopes: PIN_READ }, async ({ request, user }) => {
    const pin = ownPin(ctx, user, pathId(request.params, 'pin_id'));
    return { status: 200, body: pinView(pin, user, state, ctx.view(request)) };
  });

  defineOperation(app, ctx, { method: 'PATCH', path: '/pins/{pin_id}', category: 'org_write', scopes: PIN_WRITE }, async ({ request, user }) => {
    const pin = ownPin(ctx, user, pathId(request.params, 'pin_id'));
    const body = jsonBody(request.body);
    const title = optionalText(body, 'title', 100);
    const description = optionalText(body, 'description', 800);
    const link = optionalLink(body, 'link');
    const altText = optionalText(body, 'alt_text', 500);
    const boardId = optionalId(body, 'board_id');
    const sectionId = optionalId(body, 'board_section_id');
    const board = targetBoard(ctx, user, boardId ?? pin.boardId);
    const section = sectionId === undefined && !boardId ? pin.sectionId : targetSection(ctx, board, sectionId);
    const slots = body['carousel_slots'];
    if (slots !== undefined && (!Array.isArray(slots) || pin.creativeType !== 'CAROUSEL' || slots.length > pin.items.length)) {
      throw errors.invalidParameters('carousel_slots must be an array no longer than the carousel');
    }

    if (title !== undefined) pin.title = title;
    if (description !== undefined) pin.description = description;
    if (link !== undefined) pin.link = link;
    if (altText !== undefined) pin.altText = altText;
    pin.boardId = board.id;
    pin.sectionId = section;
    (slots as unknown[] | undefined)?.forEach((slot, i) => {
      const item = pin.items[i];
      if (!item || slot === null || typeof slot !== 'object') return;
      const s = slot as Body;
      item.title = optionalText(s, 'title') ?? item.title;
      item.description = optionalText(s, 'description') ?? item.description;
      item.link = optionalLink(s, 'link') ?? item.link;
    });
    board.pinsModifiedAt = new Date();
    return { status: 200, body: pinView(pin, user, state, ctx.view(request)) };
  });

  defineOperation(app, ctx, { method: 'DELETE', path: '/pins/{pin_id}', category: 'org_write', scopes: PIN_WRITE }, async ({ request, user }) => {
    const pin = ownPin(ctx, user, pathId(request.params, 'pin_id'));
    state.pins.delete(pin.id);
    const board = state.boards.get(pin.boardId);
    if (board) board.pinsModifiedAt = new Date();
    return { status: 204 };
  });

  defineOperation(app, ctx, { method: 'POST', path: '/pins/{pin_id}/save', category: 'org_write', scopes: PIN_WRITE }, async ({ request, user }) => {
    const original = state.pins.get(pathId(request.params, 'pin_id'));
    const originalBoard = original ? state.boards.get(original.boardId) : undefined;
    // Any public pin can be saved; secret boards are visible to their owner only.
    if (!original || (original.ownerId !== user.id && originalBoard?.privacy === 'SECRET')) throw errors.pinNotFound();
    const body = jsonBody(request.body);
    const boardId = optionalId(body, 'board_id');
    // Unverified: saving without board_id would go to the profile; the sandbox requires a board.
    if (!boardId) throw errors.invalidParameters('board_id is required');
    const board = targetBoard(ctx, user, boardId);
    const section = targetSection(ctx, board, optionalId(body, 'board_section_id'));
    const pin: Pin = {
      ...original,
      id: state.newId(),
      ownerId: user.id,
      boardId: board.id,
      sectionId: section,
      parentPinId: original.id,
      createdAt: new Date(),
      items: original.items.map((item) => ({ ...item })),
    };
    state.pins.set(pin.id, pin);
    board.pinsModifiedAt = pin.createdAt;
    return { status: 201, body: pinView(pin, user, state, ctx.view(request)) };
  });
}
