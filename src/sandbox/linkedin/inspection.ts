import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import type { FaultConfig } from './faults.js';
import { imageView, videoView } from './media.js';
import { postView } from './posts.js';
import type { OrgRole, SandboxState } from './state.js';

export function sandboxStats(state: SandboxState) {
  const members: Record<string, { name: string; posts: number; operations: Record<string, number> }> = {};
  for (const m of state.members.values()) {
    members[m.id] = {
      name: m.name,
      posts: [...state.posts.values()].filter((p) => p.createdBy === m.id).length,
      operations: Object.fromEntries(state.memberCalls.get(m.id) ?? []),
    };
  }
  return { operations: Object.fromEntries(state.operationCalls), members };
}

type Query = Record<string, string | undefined>;

/** Test-facing control surface: never authenticated, throttled or faulted. */
export function registerInspectionRoutes(app: FastifyInstance, ctx: SandboxContext, resetAll: () => void): void {
  const { state } = ctx;
  app.get('/_sandbox/posts', async (request) => {
    const { author } = request.query as Query;
    const posts = [...state.posts.values()].filter((p) => author === undefined || p.author === author);
    return { items: posts.map((p) => ({ ...postView(p), shown_text: p.shownText, created_by: p.createdBy })) };
  });
  app.get('/_sandbox/images', async () => {
    state.settle();
    return { items: [...state.images.values()].map((i) => ({ ...imageView(i), size: i.bytes?.length ?? 0 })) };
  });
  app.get('/_sandbox/videos', async () => {
    state.settle();
    return {
      items: [...state.videos.values()].map((v) => ({
        ...videoView(v),
        file_size_bytes: v.fileSizeBytes,
        parts: v.parts.length,
        parts_uploaded: v.parts.filter((p) => p.etag).length,
      })),
    };
  });
  app.get('/_sandbox/stats', async () => sandboxStats(state));
  app.get('/_sandbox/faults', async () => ctx.faults.get());
  app.post('/_sandbox/faults', async (request) => {
    ctx.faults.set((request.body ?? {}) as FaultConfig);
    return ctx.faults.get();
  });
  app.post('/_sandbox/members', async (request, reply) => {
    const body = (request.body ?? {}) as { name?: string; email?: string };
    return reply.code(201).send(state.createMember(body));
  });
  app.post('/_sandbox/organizations', async (request, reply) => {
    const body = (request.body ?? {}) as { name?: string; vanity_name?: string; admins?: Array<{ member_id: string; role?: OrgRole }> };
    const org = state.createOrganization({
      name: body.name ?? 'Sandbox Company',
      vanityName: body.vanity_name,
      admins: (body.admins ?? []).map((a) => ({ memberId: a.member_id, role: a.role })),
    });
    return reply.code(201).send(org);
  });
  /** The next finalized video fails processing with this reason (LinkedIn's `processingFailureReason`). */
  app.post('/_sandbox/video-failures', async (request) => {
    const { reason } = (request.body ?? {}) as { reason?: string };
    state.videoFailures.push(reason ?? 'Video processing failed');
    return { pending: state.videoFailures.length };
  });
  app.post('/_sandbox/reset', async () => {
    resetAll();
    return { ok: true };
  });
}
