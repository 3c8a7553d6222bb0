import { route, type Ctx, type Route } from './context.js';
import { acceptBytes, fail, fetchInBackground, newContainer, publishable } from './containers.js';
import { fetchMedia } from './fetch-media.js';
import { GraphFailure, allowOnly, authorize, badParam, fieldsOf, iso, pick, type Req } from './graph-http.js';
import { newId, type IgUser, type Published } from './world.js';

/** Parameters of `POST /{ig-user-id}/media` (IGUser.json `media` edge, both login paths). */
export const IG_MEDIA_PARAMS = [
  'image_url',
  'video_url',
  'media_type',
  'is_carousel_item',
  'children',
  'caption',
  'alt_text',
  'share_to_feed',
  'cover_url',
  'thumb_offset',
  'audio_name',
  'collaborators',
  'location_id',
  'user_tags',
  'product_tags',
  'upload_type',
  'trial_params',
] as const;

/** The Instagram account the token may act for: its own Instagram Login token, or the token of the Page it is linked to. */
export function igUserFor(req: Req, ctx: Ctx, id: string): IgUser {
  const t = authorize(ctx.world, req, ctx.now());
  const user = ctx.world.igUsers.get(id);
  if (!user) throw new GraphFailure(400, 100, `Unsupported request - method type: ${req.method.toLowerCase()}`, 33);
  const allowed = (t.kind === 'ig_long' && t.subject === id) || (t.kind === 'page' && ctx.world.pages.get(t.subject)?.igUserId === id);
  if (!allowed) throw new GraphFailure(400, 10, '(#10) Application does not have permission for this action');
  return user;
}

const count = (re: RegExp, s: string) => (s.match(re) ?? []).length;
const inWindow = (ctx: Ctx, owner: string, platform: Published['platform']) =>
  ctx.world.listBy(owner, platform).filter((p) => p.createdAt > ctx.now() - 86_400_000);

async function createContainer(req: Req, ctx: Ctx, user: IgUser) {
  const p = req.params;
  if (ctx.o.strictParams) allowOnly(p, IG_MEDIA_PARAMS, 'IGUser/media');
  const caption = p.caption ?? '';
  if ([...caption].length > 2200) throw badParam('(#100) The caption must be at most 2,200 characters', 2207010);
  if (count(/#[\p{L}\p{N}_]+/gu, caption) > 30) throw badParam('(#100) The caption has more than 30 hashtags', 2207010);
  if (count(/@[A-Za-z0-9._]+/g, caption) > 20) throw badParam('(#100) The caption has more than 20 @-mentions', 2207010);
  const type = p.media_type;
  if (type === 'STORIES' && user.accountType !== 'BUSINESS') throw new GraphFailure(400, 10, '(#10) Stories can be published by business accounts only');
  if (type === 'CAROUSEL') {
    const children = (p.children ?? '').split(',').filter(Boolean);
    if (children.length < 2 || children.length > 10) throw badParam('(#100) A carousel takes 2 to 10 items', 2207028);
    for (const id of children) {
      const child = ctx.world.containers.get(id);
      if (!child || child.owner !== user.id || child.params.is_carousel_item !== 'true')
        throw badParam(`(#100) ${id} is not a carousel item container of this account`, 2207028);
    }
    return { id: newContainer(ctx, user.id, 'instagram', p, false).id };
  }
  const video =
    type === 'REELS' || type === 'VIDEO' || (type === 'STORIES' && p.video_url !== undefined) || (type === 'STORIES' && p.upload_type === 'resumable');
  if (p.upload_type === 'resumable') {
    if (!video) throw badParam('(#100) upload_type=resumable is for videos (REELS, STORIES, VIDEO)');
    const c = newContainer(ctx, user.id, 'instagram', p, true);
    c.awaitingUpload = true;
    return { id: c.id, uri: `${req.base}/ig-api-upload/v21.0/${c.id}` };
  }
  if (video) {
    if (!p.video_url) throw badParam('(#100) video_url is required for this media_type');
    const c = newContainer(ctx, user.id, 'instagram', p, true);
    fetchInBackground(ctx, c, p.video_url, 'video');
    return { id: c.id };
  }
  if (!p.image_url) throw badParam('(#100) image_url is required (or media_type with video_url)');
  if (type !== undefined && type !== 'STORIES') throw badParam(`(#100) media_type ${type} is not valid with image_url`);
  // Images are downloaded while the container is created: a bad one is refused at once.
  const got = await fetchMedia(p.image_url, ctx.o.mediaFetchTimeoutMs, ctx.o.fetchAllowHosts());
  if (!got.ok) throw new GraphFailure(400, 9004, got.error!.message, got.error!.subcode, { userMessage: 'The media could not be fetched from this URI' });
  if (got.mime !== 'image/jpeg')
    throw new GraphFailure(400, 9004, `Only JPEG images are supported (got ${got.mime})`, 2207052, { userMessage: 'Unsupported image format' });
  const ratio = (got.width ?? 1) / (got.height ?? 1);
  if (type !== 'STORIES' && p.is_carousel_item !== 'true' && (ratio < 0.8 - 1e-3 || ratio > 1.91 + 1e-3)) {
    throw new GraphFailure(400, 36003, `The aspect ratio ${got.width}x${got.height} is not supported; it must be between 4:5 and 1.91:1`, 2207009);
  }
  return { id: newContainer(ctx, user.id, 'instagram', p, false).id };
}

function publish(req: Req, ctx: Ctx, user: IgUser) {
  const c = publishable(ctx, user.id, req.params.creation_id);
  if (inWindow(ctx, user.id, 'instagram').length >= ctx.o.instagramQuota) {
    throw new GraphFailure(400, 9, 'Application request limit reached', 2207042, {
      userMessage: 'The maximum number of posts that can be published in 24 hours has been reached',
    });
  }
  const type = c.params.media_type;
  const media: Published = {
    id: newId(),
    owner: user.id,
    platform: 'instagram',
    type: type === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : type === 'REELS' ? 'REELS' : type === 'STORIES' ? 'STORY' : 'FEED',
    text: c.params.caption ?? '',
    createdAt: ctx.now(),
    link: null,
    children: (c.params.children ?? '').split(',').filter(Boolean),
    replyTo: null,
    containerId: c.id,
    permalink: '',
  };
  media.permalink = `https://www.instagram.com/${type === 'REELS' ? 'reel' : 'p'}/${Buffer.from(media.id).toString('base64url').slice(0, 11)}/`;
  c.publishedAs = media.id;
  ctx.world.published.set(media.id, media);
  return { id: media.id };
}

export function mediaView(m: Published): Record<string, unknown> {
  return {
    id: m.id,
    caption: m.text,
    media_type: m.type === 'CAROUSEL_ALBUM' ? 'CAROUSEL_ALBUM' : m.type === 'FEED' ? 'IMAGE' : 'VIDEO',
    media_product_type: m.type === 'CAROUSEL_ALBUM' ? 'FEED' : m.type,
    timestamp: iso(m.createdAt),
    permalink: m.permalink,
  };
}

export const instagramRoutes: Route[] = [
  route('POST', '/:id/media', (req, ctx, m) => createContainer(req, ctx, igUserFor(req, ctx, m.id!))),
  route('POST', '/:id/media_publish', (req, ctx, m) => publish(req, ctx, igUserFor(req, ctx, m.id!))),
  route('GET', '/:id/content_publishing_limit', (req, ctx, m) => {
    const user = igUserFor(req, ctx, m.id!);
    return { data: [{ quota_usage: inWindow(ctx, user.id, 'instagram').length, config: { quota_total: ctx.o.instagramQuota, quota_duration: 86400 } }] };
  }),
  route('GET', '/:id/media', (req, ctx, m) => {
    const user = igUserFor(req, ctx, m.id!);
    const items = ctx.world.listBy(user.id, 'instagram').sort((a, b) => b.createdAt - a.createdAt);
    const limit = Math.min(Number(req.params.limit ?? 25), 100);
    const start = Number(req.params.after ?? 0);
    const page = items.slice(start, start + limit).map((x) => pick(mediaView(x), fieldsOf(req.params, ['id'])));
    return { data: page, paging: start + limit < items.length ? { cursors: { after: String(start + limit) }, next: 'more' } : {} };
  }),
  route('POST', '/:id/comments', (req, ctx, m) => {
    const media = ctx.world.published.get(m.id!);
    if (!media || media.platform !== 'instagram') throw new GraphFailure(400, 100, 'Unsupported post request. Object does not exist', 33);
    igUserFor(req, ctx, media.owner);
    if (!req.params.message) throw badParam('(#100) message is required');
    const comment = { id: newId(), mediaId: media.id, message: req.params.message, createdAt: ctx.now() };
    ctx.world.comments.push(comment);
    return { id: comment.id };
  }),
  route('GET', '/:id/comments', (req, ctx, m) => {
    const media = ctx.world.published.get(m.id!);
    if (!media) throw new GraphFailure(400, 100, 'Unsupported get request. Object does not exist', 33);
    igUserFor(req, ctx, media.owner);
    return { data: ctx.world.comments.filter((c) => c.mediaId === media.id).map((c) => ({ id: c.id, text: c.message, timestamp: iso(c.createdAt) })) };
  }),
  // Resumable upload (rupload.facebook.com/ig-api-upload/<version>/<container>): the video's bytes, or `file_url`.
  route('POST', '/ig-api-upload/:version/:id', async (req, ctx, m) => {
    const c = ctx.world.containers.get(m.id!);
    if (!c || !c.awaitingUpload) throw new GraphFailure(400, 100, 'No resumable upload is waiting for this container', 33);
    igUserFor({ ...req, tokenValue: String(req.headers.authorization ?? '').replace(/^OAuth\s+/i, '') }, ctx, c.owner);
    const fileUrl = req.headers.file_url;
    if (typeof fileUrl === 'string') {
      c.awaitingUpload = false;
      c.readyAt = ctx.now() + ctx.o.videoProcessingMs;
      fetchInBackground(ctx, c, fileUrl, 'video');
      return { success: true, message: 'Upload successful.' };
    }
    const size = Number(req.headers.file_size);
    if (Number(req.headers.offset ?? 0) !== 0 || size !== req.body.length) {
      fail(c, `The upload was incomplete (${req.body.length} of ${size} bytes)`, 2207003, 'UNKNOWN');
      c.awaitingUpload = false;
      throw new GraphFailure(400, -2, 'The upload was incomplete', 2207003);
    }
    await acceptBytes(ctx, c, req.body);
    return { success: true, message: 'Upload successful.' };
  }),
];
