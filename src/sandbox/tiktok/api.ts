import { safeFetch } from '../../net/index.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { defineOperation, type SandboxContext } from './context.js';
import { errors, ok } from './errors.js';
import { bytesArrived, statusView } from './processing.js';
import { randomId, type Publish, type SandboxUser } from './state.js';

const MB = 1024 * 1024;
const PRIVACY = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const int = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

/** The media transfer guide's chunk rules, as the init checks them. */
export function chunkProblem(size: number, chunk: number, count: number): string | undefined {
  if (!int(size) || size <= 0) return 'video_size must be a positive integer';
  if (size > 4096 * MB) return 'video_size exceeds 4 GB';
  if (!int(chunk) || !int(count)) return 'chunk_size and total_chunk_count must be integers';
  if (size < 5 * MB)
    return chunk === size && count === 1 ? undefined : 'a video under 5 MB must be uploaded whole: chunk_size = video_size, total_chunk_count = 1';
  if (chunk < 5 * MB || chunk > 64 * MB) return 'chunk_size must be between 5 MB and 64 MB';
  if (count !== Math.floor(size / chunk)) return `total_chunk_count must be floor(video_size / chunk_size) = ${Math.floor(size / chunk)}`;
  if (count < 1 || count > 1000) return 'total_chunk_count must be between 1 and 1000';
  if (size - (count - 1) * chunk > 128 * MB) return 'the last chunk would exceed 128 MB';
  return undefined;
}

function checkPostInfo(ctx: SandboxContext, user: SandboxUser, info: Obj, kind: 'video' | 'photo'): void {
  const level = info.privacy_level;
  if (typeof level !== 'string' || !PRIVACY.includes(level)) throw errors.invalidParam(`post_info.privacy_level must be one of ${PRIVACY.join(', ')}`);
  if (ctx.options.unaudited && level !== 'SELF_ONLY') throw errors.unaudited();
  if (!user.privacyLevelOptions.includes(level)) throw errors.privacyMismatch(level);
  const text = (key: string, max: number) => {
    const v = info[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > max))
      throw errors.invalidParam(`post_info.${key} must be a string of at most ${max} UTF-16 characters`);
  };
  if (kind === 'video') text('title', 2200);
  else {
    text('title', 90);
    text('description', 4000);
  }
  for (const key of ['disable_comment', 'disable_duet', 'disable_stitch', 'brand_content_toggle', 'brand_organic_toggle', 'is_aigc', 'auto_add_music']) {
    if (info[key] !== undefined && typeof info[key] !== 'boolean') throw errors.invalidParam(`post_info.${key} must be a boolean`);
  }
  if (info.brand_content_toggle === true && level === 'SELF_ONLY') throw errors.invalidParam('branded content cannot be SELF_ONLY');
}

function urlAllowed(ctx: SandboxContext, url: unknown): url is string {
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw errors.invalidParam('media URL must be an http(s) URL');
  const prefixes = ctx.options.verifiedUrlPrefixes;
  if (prefixes && !prefixes.some((p) => url.startsWith(p))) throw errors.urlUnverified();
  return true;
}

/** The daily post cap and the inbox's pending-share cap, counted over the last 24 h per creator. */
function checkCaps(ctx: SandboxContext, user: SandboxUser, mode: 'direct' | 'inbox'): void {
  const since = Date.now() - 86_400_000;
  const mine = [...ctx.state.publishes.values()].filter((p) => p.openId === user.openId && p.createdAt > since && p.mode === mode);
  if (mode === 'direct' && mine.length >= ctx.options.dailyPostCap) throw errors.spamRiskTooManyPosts();
  if (mode === 'inbox' && mine.length >= ctx.options.pendingShareCap) throw errors.spamRiskPendingShare();
}

/** Downloads what a PULL_FROM_URL names, in the background, as TikTok does; a failure becomes the fail_reason. */
function startPull(ctx: SandboxContext, p: Publish): void {
  const pull = p.pull!;
  void (async () => {
    let last: Buffer | undefined;
    for (const url of pull.urls) {
      try {
        // From public addresses only (plus the allowed hosts), as TikTok's servers would: never this machine's private network.
        const res = await safeFetch(url, { allowHosts: [...ctx.options.fetchAllowHosts()], maxBytes: 4 * 1024 ** 3, timeoutMs: 15_000 });
        last = res.bytes;
        pull.downloadedBytes += last.length;
        if (p.kind === 'photo' && !/^image\/(jpeg|webp)/.test(res.contentType ?? '')) pull.error = 'file_format_check_failed';
      } catch {
        pull.error = p.kind === 'photo' ? 'photo_pull_failed' : 'video_pull_failed';
        break;
      }
    }
    pull.done = true;
    bytesArrived(ctx, p, pull.error ? undefined : last);
  })();
}

export function registerApiRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const { state } = ctx;

  defineOperation(app, ctx, { method: 'GET', path: '/v2/user/info/', category: 'other', scopes: ['user.info.basic'] }, async ({ request, user }) => {
    const fields = String((request.query as Obj).fields ?? '').split(',');
    const all: Obj = {
      open_id: user.openId,
      union_id: `u${user.openId}`,
      avatar_url: `https://sandbox.tiktok.invalid/avatar/${user.openId}.jpeg`,
      display_name: user.nickname,
    };
    return ok({ user: Object.fromEntries(Object.entries(all).filter(([k]) => fields.includes(k))) });
  });

  defineOperation(
    app,
    ctx,
    { method: 'POST', path: '/v2/post/publish/creator_info/query/', category: 'creator_info', scopes: ['video.publish'] },
    async ({ user }) =>
      ok({
        creator_avatar_url: `https://sandbox.tiktok.invalid/avatar/${user.openId}.jpeg`,
        creator_username: user.username,
        creator_nickname: user.nickname,
        privacy_level_options: ctx.options.unaudited ? ['SELF_ONLY'] : user.privacyLevelOptions,
        comment_disabled: user.commentDisabled,
        duet_disabled: user.duetDisabled,
        stitch_disabled: user.stitchDisabled,
        max_video_post_duration_sec: user.maxVideoPostDurationSec,
      }),
  );

  const videoInit =
    (inbox: boolean) =>
    async ({ request, user, token }: { request: FastifyRequest; user: SandboxUser; token: { clientKey: string } }) => {
      const body = obj(request.body) ?? {};
      const source = obj(body.source_info);
      if (!source) throw errors.invalidParam('source_info is required');
      const postInfo = inbox ? {} : obj(body.post_info);
      if (!postInfo) throw errors.invalidParam('post_info is required');
      if (!inbox) checkPostInfo(ctx, user, postInfo, 'video');
      const p: Publish = {
        id: randomId(inbox ? 'v_inbox_file~v2.' : 'v_pub_file~v2.', 9),
        openId: user.openId,
        clientKey: token.clientKey,
        kind: 'video',
        mode: inbox ? 'inbox' : 'direct',
        source: 'FILE_UPLOAD',
        postInfo,
        createdAt: Date.now(),
      };
      let uploadUrl: string | undefined;
      if (source.source === 'FILE_UPLOAD') {
        const [size, chunk, count] = [source.video_size, source.chunk_size, source.total_chunk_count] as number[];
        const problem = chunkProblem(size!, chunk!, count!);
        if (problem) throw errors.invalidParam(problem);
        checkCaps(ctx, user, p.mode);
        const uploadToken = randomId('', 16);
        p.upload = {
          token: uploadToken,
          videoSize: size!,
          chunkSize: chunk!,
          totalChunks: count!,
          received: [],
          receivedBytes: 0,
          expiresAt: Date.now() + ctx.options.uploadUrlTtlSeconds * 1000,
        };
        uploadUrl = `${ctx.baseUrl(request)}/upload/?upload_id=${p.id}&upload_token=${uploadToken}`;
      } else if (source.source === 'PULL_FROM_URL') {
        urlAllowed(ctx, source.video_url);
        checkCaps(ctx, user, p.mode);
        p.source = 'PULL_FROM_URL';
        p.id = p.id.replace('_file~', '_url~');
        p.pull = { urls: [source.video_url as string], downloadedBytes: 0, done: false };
      } else throw errors.invalidParam('source_info.source must be FILE_UPLOAD or PULL_FROM_URL');
      state.publishes.set(p.id, p);
      if (p.pull) startPull(ctx, p);
      return ok({ publish_id: p.id, ...(uploadUrl && { upload_url: uploadUrl }) });
    };
  defineOperation(
    app,
    ctx,
    { method: 'POST', path: '/v2/post/publish/video/init/', category: 'init', scopes: ['video.publish'], write: true },
    videoInit(false),
  );
  defineOperation(
    app,
    ctx,
    { method: 'POST', path: '/v2/post/publish/inbox/video/init/', category: 'init', scopes: ['video.upload'], write: true },
    videoInit(true),
  );

  defineOperation(
    app,
    ctx,
    { method: 'POST', path: '/v2/post/publish/content/init/', category: 'init', scopes: ['video.publish'], write: true },
    async ({ request, user, token }) => {
      const body = obj(request.body) ?? {};
      if (body.media_type !== 'PHOTO') throw errors.invalidParam('media_type must be PHOTO');
      const mode = body.post_mode === 'DIRECT_POST' ? 'direct' : body.post_mode === 'MEDIA_UPLOAD' ? 'inbox' : undefined;
      if (!mode) throw errors.invalidParam('post_mode must be DIRECT_POST or MEDIA_UPLOAD');
      const postInfo = obj(body.post_info) ?? {};
      if (mode === 'direct') checkPostInfo(ctx, user, postInfo, 'photo');
      const source = obj(body.source_info);
      if (source?.source !== 'PULL_FROM_URL') throw errors.invalidParam('source_info.source must be PULL_FROM_URL for photos');
      const images = source.photo_images;
      if (!Array.isArray(images) || images.length < 1 || images.length > 35) throw errors.invalidParam('source_info.photo_images must hold 1 to 35 URLs');
      images.forEach((u) => urlAllowed(ctx, u));
      const cover = source.photo_cover_index ?? 0;
      if (!int(cover) || (cover as number) < 0 || (cover as number) >= images.length)
        throw errors.invalidParam('source_info.photo_cover_index must index photo_images');
      checkCaps(ctx, user, mode);
      const p: Publish = {
        id: randomId('p_pub_url~v2.', 9),
        openId: user.openId,
        clientKey: token.clientKey,
        kind: 'photo',
        mode,
        source: 'PULL_FROM_URL',
        postInfo,
        createdAt: Date.now(),
        pull: { urls: images as string[], downloadedBytes: 0, done: false },
      };
      state.publishes.set(p.id, p);
      startPull(ctx, p);
      return ok({ publish_id: p.id });
    },
  );

  defineOperation(app, ctx, { method: 'POST', path: '/v2/post/publish/status/fetch/', category: 'status', scopes: [] }, async ({ request, user }) => {
    const id = obj(request.body)?.publish_id;
    const p = typeof id === 'string' ? state.publishes.get(id) : undefined;
    if (!p || p.openId !== user.openId) throw errors.publishNotFound();
    return ok(statusView(ctx, p));
  });
}
