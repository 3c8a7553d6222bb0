import type { Ctx } from './context.js';
import { decode, fetchMedia, type Fetched } from './fetch-media.js';
import { GraphFailure } from './graph-http.js';
import { newId, type Container, type ContainerState } from './world.js';

/** Fetch results of containers still being processed (kept beside the world's plain data). */
const fetching = new WeakMap<Container, { done: boolean; result?: Fetched }>();

export function newContainer(ctx: Ctx, owner: string, platform: Container['platform'], params: Record<string, string>, video: boolean): Container {
  const now = ctx.now();
  const c: Container = {
    id: newId(),
    owner,
    platform,
    params,
    createdAt: now,
    readyAt: now + (video ? ctx.o.videoProcessingMs : ctx.o.imageProcessingMs),
    outcome: 'FINISHED',
    error: null,
    reason: null,
    publishedAs: null,
    awaitingUpload: false,
  };
  ctx.world.containers.set(c.id, c);
  return c;
}

/** Meta downloads the media while the container is IN_PROGRESS; a failure turns it to ERROR with Meta's reason. */
export function fetchInBackground(ctx: Ctx, c: Container, url: string, want: 'image' | 'video'): void {
  const entry: { done: boolean; result?: Fetched } = { done: false };
  fetching.set(c, entry);
  void fetchMedia(url, ctx.o.mediaFetchTimeoutMs, ctx.o.fetchAllowHosts()).then((result) => settle(c, entry, result, want));
}

/** Bytes sent by resumable upload, decoded at once. */
export async function acceptBytes(ctx: Ctx, c: Container, bytes: Buffer): Promise<void> {
  const entry: { done: boolean; result?: Fetched } = { done: false };
  fetching.set(c, entry);
  settle(c, entry, await decode(bytes), 'video');
  c.awaitingUpload = false;
  c.readyAt = ctx.now() + ctx.o.videoProcessingMs;
}

function settle(c: Container, entry: { done: boolean; result?: Fetched }, result: Fetched, want: 'image' | 'video') {
  entry.done = true;
  entry.result = result;
  if (!result.ok) fail(c, result.error!.message, result.error!.subcode, result.error!.threadsCode);
  else if (result.kind !== want)
    fail(
      c,
      `The media is ${result.kind === 'image' ? 'an image' : 'a video'} where ${want === 'image' ? 'an image' : 'a video'} was expected.`,
      2207026,
      'UNKNOWN',
    );
}

export function fail(c: Container, message: string, subcode: number, threadsCode: string): void {
  c.outcome = 'ERROR';
  c.error = c.platform === 'threads' ? threadsCode : `Error: ${message} (${subcode})`;
  c.reason = message;
}

/** A container's state now, as a status query sees it. */
export function stateOf(ctx: Ctx, c: Container): ContainerState {
  if (c.publishedAs) return 'PUBLISHED';
  const now = ctx.now();
  if (now - c.createdAt > ctx.o.containerTtlSeconds * 1000) return 'EXPIRED';
  if (c.outcome === 'ERROR') return 'ERROR';
  const f = fetching.get(c);
  if (c.awaitingUpload || (f && !f.done) || now < c.readyAt) return 'IN_PROGRESS';
  const children = (c.params.children ?? '')
    .split(',')
    .filter(Boolean)
    .map((id) => ctx.world.containers.get(id));
  for (const child of children) {
    const s = child ? stateOf(ctx, child) : 'ERROR';
    if (s === 'ERROR' || s === 'EXPIRED') {
      c.outcome = 'ERROR';
      c.error = c.platform === 'threads' ? 'UNKNOWN' : `Error: a carousel item could not be processed (2207001)`;
      return 'ERROR';
    }
    if (s === 'IN_PROGRESS') return 'IN_PROGRESS';
  }
  return 'FINISHED';
}

/** The view of a container a GET returns: Instagram's `status_code`/`status`, Threads' `status`/`error_message`. */
export function containerView(ctx: Ctx, c: Container): Record<string, unknown> {
  const state = stateOf(ctx, c);
  if (c.platform === 'threads') return { id: c.id, status: state, ...(state === 'ERROR' && { error_message: c.error }) };
  const status =
    state === 'ERROR'
      ? c.error
      : state === 'EXPIRED'
        ? 'Error: The media container has expired (2207008)'
        : state === 'FINISHED'
          ? 'Finished: Media has been uploaded and it is ready to be published.'
          : state === 'PUBLISHED'
            ? 'Published'
            : 'In Progress: Media is still being processed.';
  return { id: c.id, status_code: state, status };
}

/** The container a publish names, in a state that can be published; Meta's errors otherwise. */
export function publishable(ctx: Ctx, owner: string, creationId: string | undefined): Container {
  const c = creationId ? ctx.world.containers.get(creationId) : undefined;
  if (!c || c.owner !== owner) throw new GraphFailure(400, 24, 'The requested resource does not exist', 2207006, { userMessage: 'Media not found' });
  const state = stateOf(ctx, c);
  if (state === 'IN_PROGRESS')
    throw new GraphFailure(400, 9007, 'Media ID is not available', 2207027, { userMessage: 'The media is not ready for publishing, please wait for a moment' });
  if (state === 'EXPIRED') throw new GraphFailure(400, 24, 'The media container has expired', 2207008);
  if (state === 'ERROR') throw new GraphFailure(400, -1, `Create media fail, please try to re-create media: ${c.reason ?? c.error}`, 2207032);
  if (state === 'PUBLISHED') throw new GraphFailure(400, 9007, 'This media container has already been published');
  return c;
}
