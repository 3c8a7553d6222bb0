import type { FastifyInstance } from 'fastify';
import type { YouTubeContext } from './context.js';
import { errors } from './errors.js';
import { apiMethod } from './operation.js';
import type { Channel } from './state.js';
import { etag, videoResource } from './videos-view.js';

const list = (kind: string, items: unknown[], extra: Record<string, unknown> = {}) => {
  const body = { kind, etag: '', ...extra, pageInfo: { totalResults: items.length, resultsPerPage: items.length }, items };
  return { ...body, etag: etag(body) };
};

function channelResource(channel: Channel, parts: string[]) {
  const all: Record<string, unknown> = {
    snippet: {
      title: channel.title,
      description: '',
      customUrl: channel.handle.toLowerCase(),
      publishedAt: new Date(channel.createdAt).toISOString(),
      thumbnails: { default: { url: `https://yt3.ggpht.com/${channel.id}=s88`, width: 88, height: 88 } },
      localized: { title: channel.title, description: '' },
    },
    contentDetails: { relatedPlaylists: { likes: '', uploads: channel.uploads } },
  };
  const body: Record<string, unknown> = { kind: 'youtube#channel', etag: '', id: channel.id };
  for (const part of parts) if (all[part] !== undefined) body[part] = all[part];
  return { ...body, etag: etag(body) };
}

/** Opaque page tokens, as Google's look: the offset, encoded. */
const pageToken = (offset: number) => Buffer.from(`o:${offset}`).toString('base64url');
const offsetOf = (token: string | undefined) => {
  if (!token) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  if (!m) throw errors.invalidParameter('pageToken', 'The request specifies an invalid page token.');
  return Number(m[1]);
};

export function registerApiRoutes(app: FastifyInstance, ctx: YouTubeContext): void {
  apiMethod(app, ctx, { id: 'youtube.channels.list', path: '/youtube/v3/channels', quota: 'channels.list' }, async ({ channel, query }) => {
    const parts = query.part!.split(',');
    const wanted = query.mine === 'true' ? [channel] : (query.id ?? '').split(',').flatMap((id) => ctx.state.channels.get(id) ?? []);
    if (query.mine === undefined && query.id === undefined && query.forHandle === undefined) {
      throw errors.invalidParameter('filter', 'No filter selected. Expected one of: mySubscribers, forHandle, id, managedByMe, mine, forUsername, categoryId');
    }
    const found = query.forHandle ? [ctx.state.channelByHandle(query.forHandle.replace(/^@?/, '@'))].filter((c): c is Channel => c !== undefined) : wanted;
    return {
      status: 200,
      body: list(
        'youtube#channelListResponse',
        found.map((c) => channelResource(c, parts)),
      ),
    };
  });

  apiMethod(app, ctx, { id: 'youtube.videos.list', path: '/youtube/v3/videos', quota: 'videos.list' }, async ({ channel, query }) => {
    if (query.id === undefined) throw errors.invalidParameter('filter', 'No filter selected. Expected one of: chart, id, myRating');
    const parts = query.part!.split(',');
    const items = query.id
      .split(',')
      .flatMap((id) => ctx.state.videos.get(id.trim()) ?? [])
      .filter((v) => !v.deleted && (v.channelId === channel.id || v.status.privacyStatus === 'public'))
      // processingDetails and the upload/failure fields are the owner's only.
      .map((v) =>
        videoResource(ctx, v, ctx.state.channels.get(v.channelId), v.channelId === channel.id ? parts : parts.filter((p) => p !== 'processingDetails')),
      );
    return { status: 200, body: list('youtube#videoListResponse', items) };
  });

  apiMethod(app, ctx, { id: 'youtube.videos.delete', path: '/youtube/v3/videos', quota: 'videos.delete' }, async ({ channel, query }) => {
    const video = ctx.state.videos.get(query.id!);
    if (!video || video.deleted || video.channelId !== channel.id) throw errors.videoNotFound();
    video.deleted = true;
    return { status: 204 };
  });

  apiMethod(app, ctx, { id: 'youtube.playlistItems.list', path: '/youtube/v3/playlistItems', quota: 'playlistItems.list' }, async ({ channel, query }) => {
    if (query.playlistId === undefined && query.id === undefined)
      throw errors.invalidParameter('filter', 'No filter selected. Expected one of: id, playlistId');
    const owner = [...ctx.state.channels.values()].find((c) => c.uploads === query.playlistId);
    if (!owner) throw errors.playlistNotFound();
    const max = query.maxResults === undefined ? 5 : Number(query.maxResults);
    if (max < 0 || max > 50) throw errors.invalidParameter('maxResults', `Invalid value '${max}'. Values must be within the range: [0, 50]`);
    const now = ctx.clock.now();
    const parts = query.part!.split(',');
    const visible = ctx.state
      .videosOf(owner.id)
      .filter((v) => v.uploadedAt + ctx.options.playlistLagMs <= now && (owner.id === channel.id || v.status.privacyStatus === 'public'))
      .sort((a, b) => (ctx.options.uploadsOrder === 'newest_first' ? b.uploadedAt - a.uploadedAt : a.uploadedAt - b.uploadedAt));
    const from = offsetOf(query.pageToken);
    const page = visible.slice(from, from + max);
    const items = page.map((v, i) => {
      const at = new Date(v.uploadedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const all: Record<string, unknown> = {
        snippet: {
          publishedAt: at,
          channelId: owner.id,
          title: v.snippet.title,
          description: v.snippet.description,
          channelTitle: owner.title,
          playlistId: owner.uploads,
          position: from + i,
          resourceId: { kind: 'youtube#video', videoId: v.id },
          videoOwnerChannelTitle: owner.title,
          videoOwnerChannelId: owner.id,
        },
        contentDetails: { videoId: v.id, videoPublishedAt: at },
        status: { privacyStatus: v.status.privacyStatus },
      };
      const body: Record<string, unknown> = { kind: 'youtube#playlistItem', etag: '', id: Buffer.from(`${owner.uploads}.${v.id}`).toString('base64url') };
      for (const part of parts) if (all[part] !== undefined) body[part] = all[part];
      return { ...body, etag: etag(body) };
    });
    const next = from + max < visible.length ? { nextPageToken: pageToken(from + max) } : {};
    const prev = from > 0 ? { prevPageToken: pageToken(Math.max(0, from - max)) } : {};
    const body = {
      kind: 'youtube#playlistItemListResponse',
      etag: '',
      ...next,
      ...prev,
      pageInfo: { totalResults: visible.length, resultsPerPage: max },
      items,
    };
    return { status: 200, body: { ...body, etag: etag(body) } };
  });

  // thumbnails.set: simple media upload of a JPEG or PNG (Discovery: image/jpeg, image/png, application/octet-stream; 2 MiB).
  for (const path of ['/upload/youtube/v3/thumbnails/set', '/youtube/v3/thumbnails/set']) {
    apiMethod(app, ctx, { id: 'youtube.thumbnails.set', path, quota: 'thumbnails.set' }, async ({ request, channel, query }) => {
      const video = ctx.state.videos.get(query.videoId!);
      if (!video || video.deleted || video.channelId !== channel.id) throw errors.videoNotFound();
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (bytes.length === 0) throw errors.mediaBodyRequired();
      if (bytes.length > 2 * 1024 * 1024) throw errors.imageTooLarge();
      const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
      const png = bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      if (!jpeg && !png) throw errors.invalidImage();
      video.thumbnail = { mime: jpeg ? 'image/jpeg' : 'image/png', size: bytes.length };
      const items = [
        {
          default: { url: `https://i.ytimg.com/vi/${video.id}/default.jpg`, width: 120, height: 90 },
          medium: { url: `https://i.ytimg.com/vi/${video.id}/mqdefault.jpg`, width: 320, height: 180 },
          high: { url: `https://i.ytimg.com/vi/${video.id}/hqdefault.jpg`, width: 480, height: 360 },
        },
      ];
      const body = { kind: 'youtube#thumbnailSetResponse', etag: '', items };
      return { status: 200, body: { ...body, etag: etag(body) } };
    });
  }
}
