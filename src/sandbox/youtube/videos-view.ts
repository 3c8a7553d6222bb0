import { createHash } from 'node:crypto';
import type { YouTubeContext } from './context.js';
import type { Channel, Video } from './state.js';

export const etag = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);

/** Where processing stands at `now`: `uploaded` while processing, then processed, failed or rejected. */
export function processingState(ctx: YouTubeContext, video: Video) {
  const elapsed = ctx.clock.now() - video.uploadedAt;
  if (video.deleted) return { uploadStatus: 'deleted', processingStatus: 'terminated' as const };
  if (elapsed < ctx.options.processingMs) {
    const parts = 100;
    return {
      uploadStatus: 'uploaded',
      processingStatus: 'processing' as const,
      processingProgress: {
        partsTotal: String(parts),
        partsProcessed: String(Math.floor((elapsed / ctx.options.processingMs) * parts)),
        timeLeftMs: String(ctx.options.processingMs - elapsed),
      },
    };
  }
  const r = video.result;
  if (r.outcome === 'failed')
    return { uploadStatus: 'failed', failureReason: r.failureReason, processingStatus: 'failed' as const, processingFailureReason: 'transcodeFailed' };
  if (r.outcome === 'rejected') return { uploadStatus: 'rejected', rejectionReason: r.rejectionReason, processingStatus: 'succeeded' as const };
  return { uploadStatus: 'processed', processingStatus: 'succeeded' as const };
}

const thumbnails = (id: string) => ({
  default: { url: `https://i.ytimg.com/vi/${id}/default.jpg`, width: 120, height: 90 },
  medium: { url: `https://i.ytimg.com/vi/${id}/mqdefault.jpg`, width: 320, height: 180 },
  high: { url: `https://i.ytimg.com/vi/${id}/hqdefault.jpg`, width: 480, height: 360 },
});

/** A Video resource with the parts asked for, as the owner sees it (processingDetails is owner-only). */
export function videoResource(ctx: YouTubeContext, video: Video, channel: Channel | undefined, parts: string[]) {
  const p = processingState(ctx, video);
  const all: Record<string, unknown> = {
    snippet: {
      publishedAt: new Date(video.uploadedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      channelId: video.channelId,
      title: video.snippet.title,
      description: video.snippet.description,
      thumbnails: thumbnails(video.id),
      channelTitle: channel?.title ?? '',
      ...(video.snippet.tags && { tags: video.snippet.tags }),
      categoryId: video.snippet.categoryId,
      liveBroadcastContent: 'none',
      localized: { title: video.snippet.title, description: video.snippet.description },
    },
    status: {
      uploadStatus: p.uploadStatus,
      ...('failureReason' in p && { failureReason: p.failureReason }),
      ...('rejectionReason' in p && { rejectionReason: p.rejectionReason }),
      privacyStatus: video.status.privacyStatus,
      ...(video.status.publishAt && { publishAt: video.status.publishAt }),
      license: video.status.license ?? 'youtube',
      embeddable: video.status.embeddable ?? true,
      publicStatsViewable: video.status.publicStatsViewable ?? true,
      madeForKids: video.status.selfDeclaredMadeForKids ?? false,
      ...(video.status.selfDeclaredMadeForKids !== undefined && { selfDeclaredMadeForKids: video.status.selfDeclaredMadeForKids }),
    },
    processingDetails: {
      processingStatus: p.processingStatus,
      ...('processingProgress' in p && { processingProgress: p.processingProgress }),
      ...('processingFailureReason' in p && { processingFailureReason: p.processingFailureReason }),
    },
  };
  const body: Record<string, unknown> = { kind: 'youtube#video', etag: '', id: video.id };
  for (const part of parts) if (all[part] !== undefined) body[part] = all[part];
  body.etag = etag(body);
  return body;
}
