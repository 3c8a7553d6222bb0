import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import type { FaultConfig } from '../common/index.js';
import { IMAGE_SIZES, renderImage, type ImageSizeName } from './images.js';
import type { AccountType, Pin, SandboxState } from './state.js';
import { issueTokenPair } from './tokens.js';
import { notModified, SampleImages } from './sample-image.js';
import { mediaStatus } from './views.js';

export function pinSummary(pin: Pin, state: SandboxState) {
  return {
    id: pin.id,
    user_id: pin.ownerId,
    username: state.users.get(pin.ownerId)?.username ?? null,
    board_id: pin.boardId,
    board_section_id: pin.sectionId,
    title: pin.title,
    description: pin.description,
    link: pin.link,
    alt_text: pin.altText,
    creative_type: pin.creativeType,
    video_media_id: pin.videoMediaId,
    image_count: pin.items.length,
    created_at: pin.createdAt.toISOString(),
  };
}

export function sandboxStats(state: SandboxState) {
  const users: Record<string, { username: string; create_pin_calls: number; pins: number; operations: Record<string, number> }> = {};
  for (const user of state.users.values()) {
    users[user.id] = {
      username: user.username,
      create_pin_calls: state.createPinCalls(user.id),
      pins: state.pinsOf(user.id).length,
      operations: Object.fromEntries(state.userOperationCalls.get(user.id) ?? []),
    };
  }
  return { operations: Object.fromEntries(state.operationCalls), users };
}

type Query = Record<string, string | undefined>;

/** Test-facing control surface: never authenticated, rate limited or faulted. */
export function registerInspectionRoutes(app: FastifyInstance, ctx: SandboxContext, resetAll: () => void): void {
  const { state } = ctx;

  app.get('/_sandbox/pins', async (request) => {
    const { user_id: userId } = request.query as Query;
    const pins = [...state.pins.values()].filter((p) => userId === undefined || p.ownerId === userId);
    return { items: pins.map((p) => pinSummary(p, state)) };
  });

  app.get('/_sandbox/boards', async (request) => {
    const { user_id: userId } = request.query as Query;
    const boards = [...state.boards.values()].filter((b) => userId === undefined || b.ownerId === userId);
    return { items: boards.map((b) => ({ id: b.id, user_id: b.ownerId, name: b.name, privacy: b.privacy })) };
  });

  app.get('/_sandbox/media', async () => ({
    items: [...state.media.values()].map((m) => ({
      media_id: m.id,
      user_id: m.ownerId,
      status: mediaStatus(m, ctx.options.mediaProcessingMs),
      bytes: m.bytes?.length ?? 0,
    })),
  }));

  // A picture to pin when there is no internet to fetch one from: any size, 2:3 by default. Rendered once per size.
  const samples = new SampleImages();
  app.get('/_sandbox/sample.jpg', async (request, reply) => {
    const q = request.query as Query;
    const size = (v: string | undefined, d: number) => Math.min(4000, Math.max(1, Number.parseInt(v ?? '', 10) || d));
    const image = await samples.get(size(q.w, 1000), size(q.h, 1500));
    reply.header('etag', image.etag).header('last-modified', image.lastModified).header('cache-control', 'public, max-age=3600');
    if (notModified(image, request.headers as Record<string, string | undefined>)) return reply.code(304).send();
    return reply.type('image/jpeg').send(image.bytes);
  });

  app.get('/_sandbox/users', async () => ({
    items: [...state.users.values()].map((u) => ({ id: u.id, username: u.username, account_type: u.accountType })),
  }));

  app.post('/_sandbox/users', async (request, reply) => {
    const body = (request.body ?? {}) as { username?: unknown; account_type?: unknown; scopes?: unknown; client_id?: unknown };
    const user = state.createUser({
      ...(typeof body.username === 'string' ? { username: body.username } : {}),
      ...(body.account_type === 'PINNER' || body.account_type === 'BUSINESS' ? { accountType: body.account_type as AccountType } : {}),
    });
    const view = { id: user.id, username: user.username, account_type: user.accountType };
    // Optional shortcut: tokens for tests and scripts that skip the OAuth dance.
    if (Array.isArray(body.scopes)) {
      const clientId = typeof body.client_id === 'string' ? body.client_id : ([...state.apps.keys()][0] ?? 'pinion-sandbox');
      const tokens = issueTokenPair(ctx, user.id, body.scopes.map(String), clientId, 'authorization_code');
      return reply.code(201).send({ ...view, tokens });
    }
    return reply.code(201).send(view);
  });

  app.get('/_sandbox/stats', async () => sandboxStats(state));

  app.get('/_sandbox/faults', async () => ctx.faults.get());

  app.put('/_sandbox/faults', async (request, reply) => {
    try {
      ctx.faults.set((request.body ?? {}) as FaultConfig);
    } catch (error) {
      return reply.code(400).send({ code: 1, message: (error as Error).message });
    }
    return ctx.faults.get();
  });

  app.post('/_sandbox/reset', async (_request, reply) => {
    resetAll();
    return reply.code(204).send();
  });

  app.get('/_media/pins/:pinId/:index/:file', async (request, reply) => {
    const { pinId, index, file } = request.params as { pinId: string; index: string; file: string };
    const size = file.replace(/\.jpg$/, '') as ImageSizeName;
    const item = state.pins.get(pinId)?.items[Number(index)];
    if (!item || !IMAGE_SIZES.includes(size)) return reply.code(404).send({ code: 404, message: 'Image not found.' });
    return reply.type('image/jpeg').send(await renderImage(item.image, size));
  });
}
