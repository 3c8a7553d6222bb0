import type { FastifyInstance } from 'fastify';
import type { FaultConfig } from '../common/index.js';
import { pacificDay, type YouTubeContext } from './context.js';
import type { ProcessingOutcome } from './state.js';
import { processingState } from './videos-view.js';

/** What tests and people look at: calls per operation, videos, sessions and quota used. */
export function sandboxStats(ctx: YouTubeContext) {
  const day = pacificDay(ctx.clock.now());
  return {
    operations: Object.fromEntries(ctx.state.calls),
    /** Units used today (Pacific) per project (OAuth client id). */
    quota: Object.fromEntries(
      [...ctx.state.quotaUsed]
        .filter(([k]) => k.endsWith(`|${day}`))
        .map(([k, used]): [string, { day: string; used: number; limit: number }] => [k.split('|')[0]!, { day, used, limit: ctx.options.unitsPerDay }]),
    ),
    videos: [...ctx.state.videos.values()].map((v) => ({
      id: v.id,
      channelId: v.channelId,
      title: v.snippet.title,
      description: v.snippet.description,
      privacyStatus: v.status.privacyStatus,
      size: v.size,
      sha256: v.sha256,
      thumbnail: v.thumbnail ?? null,
      deleted: v.deleted ?? false,
      ...processingState(ctx, v),
    })),
    sessions: [...ctx.state.sessions.values()].map((s) => ({
      id: s.id,
      channelId: s.channelId,
      total: s.total,
      received: s.received,
      videoId: s.videoId ?? null,
    })),
  };
}

/** `/_sandbox/*`: state, faults, processing outcomes, sessions forgotten, reset. */
export function registerInspectionRoutes(app: FastifyInstance, ctx: YouTubeContext, reset: () => void): void {
  app.get('/_sandbox/state', async () => sandboxStats(ctx));
  app.get('/_sandbox/faults', async () => ctx.faults.get());
  app.post('/_sandbox/faults', async (request, reply) => {
    try {
      ctx.faults.set((request.body ?? {}) as FaultConfig);
    } catch (err) {
      return reply.code(400).send({ error: (err as Error).message });
    }
    return ctx.faults.get();
  });
  // The next completed uploads get these outcomes, in order: `{outcome: 'failed', failureReason: 'codec'}`.
  app.post('/_sandbox/processing', async (request) => {
    const outcomes = ([] as ProcessingOutcome[]).concat((request.body ?? []) as ProcessingOutcome | ProcessingOutcome[]);
    ctx.state.nextOutcomes.push(...outcomes);
    return { queued: ctx.state.nextOutcomes.length };
  });
  // Every upload session expires now (Google keeps them about a week).
  app.post('/_sandbox/sessions/expire', async () => {
    const count = ctx.state.sessions.size;
    ctx.state.sessions.clear();
    return { expired: count };
  });
  app.post('/_sandbox/reset', async () => {
    reset();
    return { reset: true };
  });
}
