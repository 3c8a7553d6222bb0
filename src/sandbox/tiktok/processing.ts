import type { SandboxContext } from './context.js';
import type { Publish, PublishStatus } from './state.js';

/** An MP4/MOV starts with an ISO-BMFF `ftyp` box, a WebM with the EBML magic: what "file_format_check" looks at here. */
export function looksLikeVideo(bytes: Buffer): boolean {
  return (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') || (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3);
}

/** The bytes are in: processing starts now, and how it ends is decided (the fault, or the format check). */
export function bytesArrived(ctx: SandboxContext, p: Publish, bytes?: Buffer): void {
  p.bytesInAt = Date.now();
  if (ctx.faults.failProcessing) p.failReason = ctx.faults.failProcessing;
  else if (p.pull?.error) p.failReason = p.pull.error;
  else if (bytes && p.kind === 'video' && !looksLikeVideo(bytes)) p.failReason = 'file_format_check_failed';
}

/**
 * Where a publish is now, by the clock: PROCESSING_UPLOAD (chunks missing, then processing),
 * PROCESSING_DOWNLOAD (a pull under way, then processing), then FAILED with fail_reason, or
 * PUBLISH_COMPLETE (direct: the post exists from this moment) / SEND_TO_USER_INBOX (inbox).
 * Evaluated lazily on every look, so no timer outlives the sandbox.
 */
export function advance(ctx: SandboxContext, p: Publish, now = Date.now()): PublishStatus {
  if (p.finishedAt === undefined) {
    if (p.bytesInAt === undefined || now < p.bytesInAt + ctx.options.processingMs)
      return p.source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD';
    p.finishedAt = p.bytesInAt + ctx.options.processingMs;
    if (p.failReason === undefined && p.mode === 'direct') {
      const id = ctx.state.nextPostId();
      p.postId = id;
      ctx.state.posts.set(id, {
        id,
        openId: p.openId,
        publishId: p.id,
        kind: p.kind,
        title: typeof p.postInfo.title === 'string' ? p.postInfo.title : null,
        description: typeof p.postInfo.description === 'string' ? p.postInfo.description : null,
        privacyLevel: String(p.postInfo.privacy_level ?? 'SELF_ONLY'),
        bytes: p.upload?.receivedBytes ?? p.pull?.downloadedBytes ?? 0,
        images: p.pull && p.kind === 'photo' ? p.pull.urls.length : 0,
        createdAt: p.finishedAt,
      });
    }
    if (p.failReason === undefined && p.mode === 'inbox') ctx.state.inbox.push({ openId: p.openId, publishId: p.id, at: p.finishedAt });
  }
  if (p.failReason !== undefined) return 'FAILED';
  return p.mode === 'inbox' ? 'SEND_TO_USER_INBOX' : 'PUBLISH_COMPLETE';
}

/** status/fetch's data for a publish. The public post id appears after moderation, and never for a private (SELF_ONLY) post. */
export function statusView(ctx: SandboxContext, p: Publish, now = Date.now()) {
  const status = advance(ctx, p, now);
  const moderated = p.finishedAt !== undefined && now >= p.finishedAt + ctx.options.moderationMs;
  const visible = status === 'PUBLISH_COMPLETE' && moderated && p.postInfo.privacy_level !== 'SELF_ONLY' && p.postId !== undefined;
  return {
    status,
    ...(status === 'FAILED' && { fail_reason: p.failReason }),
    publicaly_available_post_id: visible ? [p.postId!] : [],
    ...(p.upload && { uploaded_bytes: p.upload.receivedBytes }),
    ...(p.pull && { downloaded_bytes: p.pull.downloadedBytes }),
  };
}
