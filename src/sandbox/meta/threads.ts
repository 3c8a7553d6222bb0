import { route, type Ctx, type Route } from './context.js';
import { fetchInBackground, newContainer, publishable } from './containers.js';
import { GraphFailure, allowOnly, authorize, badParam, fieldsOf, iso, pick, type Req } from './graph-http.js';
import { newId, type Published, type ThreadsUser } from './world.js';

/** Parameters of `POST /{threads-user-id}/threads` (Meta's Threads Postman collection). */
export const THREADS_PARAMS = [
  'media_type',
  'text',
  'image_url',
  'video_url',
  'is_carousel_item',
  'children',
  'reply_to_id',
  'reply_control',
  'link_attachment',
  'quote_post_id',
  'alt_text',
  'topic_tag',
  'poll_attachment',
  'text_attachment',
  'gif_attachment',
  'auto_publish_text',
  'is_spoiler_media',
  'location_id',
] as const;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Threads' count: emoji as their UTF-8 bytes, everything else by code point. */
export const threadsCount = (text: string) =>
  [...graphemes.segment(text)].reduce(
    (n, { segment }) => n + (/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(segment) ? Buffer.byteLength(segment) : [...segment].length),
    0,
  );

function userFor(req: Req, ctx: Ctx, id: string): ThreadsUser {
  const t = authorize(ctx.world, req, ctx.now());
  const user = ctx.world.threadsUsers.get(id === 'me' ? t.subject : id);
  if (!user || t.kind !== 'th_long' || t.subject !== user.id) throw new GraphFailure(400, 10, '(#10) Application does not have permission for this action');
  return user;
}

const counted = (ctx: Ctx, owner: string, replies: boolean) =>
  ctx.world.listBy(owner, 'threads').filter((p) => p.createdAt > ctx.now() - 86_400_000 && (p.replyTo !== null) === replies);

function create(req: Req, ctx: Ctx, user: ThreadsUser) {
  const p = req.params;
  if (ctx.o.strictParams) allowOnly(p, THREADS_PARAMS, 'ThreadsUser/threads');
  const type = p.media_type ?? 'TEXT';
  if (p.text && threadsCount(p.text) > 500) throw badParam('(#100) Param text must be at most 500 characters long (emoji count as their UTF-8 bytes)');
  if ((p.text?.match(/https?:\/\/\S+/g) ?? []).length > 5)
    throw new GraphFailure(400, 100, 'ErrorCode::THREADS_API__LINK_LIMIT_EXCEEDED: a post takes at most 5 links');
  if (p.reply_to_id && !ctx.world.published.get(p.reply_to_id)) throw badParam(`(#100) reply_to_id ${p.reply_to_id} does not exist`);
  if (type === 'TEXT') {
    if (!p.text) throw badParam('(#100) text is required for a TEXT post');
    return { id: newContainer(ctx, user.id, 'threads', p, false).id };
  }
  if (type === 'CAROUSEL') {
    const children = (p.children ?? '').split(',').filter(Boolean);
    if (children.length < 2 || children.length > 20) throw badParam('(#100) A carousel takes 2 to 20 items');
    for (const id of children) if (ctx.world.containers.get(id)?.owner !== user.id) throw badParam(`(#100) ${id} is not a container of this account`);
    return { id: newContainer(ctx, user.id, 'threads', p, false).id };
  }
  const url = type === 'IMAGE' ? p.image_url : type === 'VIDEO' ? p.video_url : undefined;
  if (!url) throw badParam(`(#100) media_type ${type} needs ${type === 'VIDEO' ? 'video_url' : 'image_url'}`);
  const c = newContainer(ctx, user.id, 'threads', p, type === 'VIDEO');
  fetchInBackground(ctx, c, url, type === 'VIDEO' ? 'video' : 'image');
  return { id: c.id };
}

function publish(req: Req, ctx: Ctx, user: ThreadsUser) {
  const c = publishable(ctx, user.id, req.params.creation_id);
  const reply = c.params.reply_to_id ?? null;
  const quota = reply ? ctx.o.threadsReplyQuota : ctx.o.threadsQuota;
  if (counted(ctx, user.id, reply !== null).length >= quota)
    throw new GraphFailure(400, 9, `The ${reply ? 'reply' : 'post'} publishing limit of 24 hours has been reached`, 2207042);
  const post: Published = {
    id: newId(),
    owner: user.id,
    platform: 'threads',
    type: c.params.media_type ?? 'TEXT',
    text: c.params.text ?? '',
    createdAt: ctx.now(),
    link: null,
    children: (c.params.children ?? '').split(',').filter(Boolean),
    replyTo: reply,
    containerId: c.id,
    permalink: '',
  };
  post.permalink = `https://www.threads.net/@${user.username}/post/${Buffer.from(post.id).toString('base64url').slice(0, 11)}`;
  c.publishedAs = post.id;
  ctx.world.published.set(post.id, post);
  return { id: post.id };
}

export const threadView = (p: Published) => ({
  id: p.id,
  text: p.text,
  media_type: p.type === 'TEXT' ? 'TEXT_POST' : p.type === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : p.type,
  timestamp: iso(p.createdAt),
  permalink: p.permalink,
  ...(p.replyTo && { replied_to: { id: p.replyTo }, is_reply: true }),
});

function list(req: Req, ctx: Ctx, id: string, replies: boolean) {
  const user = userFor(req, ctx, id);
  const items = ctx.world
    .listBy(user.id, 'threads')
    .filter((p) => (p.replyTo !== null) === replies)
    .sort((a, b) => b.createdAt - a.createdAt);
  const limit = Math.min(Number(req.params.limit ?? 25), 100);
  const start = Number(req.params.after ?? 0);
  return {
    data: items.slice(start, start + limit).map((p) => pick(threadView(p), fieldsOf(req.params, ['id']))),
    paging: start + limit < items.length ? { cursors: { after: String(start + limit) } } : {},
  };
}

export const threadsRoutes: Route[] = [
  route('POST', '/:id/threads', (req, ctx, m) => create(req, ctx, userFor(req, ctx, m.id!))),
  route('POST', '/:id/threads_publish', (req, ctx, m) => publish(req, ctx, userFor(req, ctx, m.id!))),
  route('GET', '/:id/threads', (req, ctx, m) => list(req, ctx, m.id!, false)),
  route('GET', '/:id/replies', (req, ctx, m) => list(req, ctx, m.id!, true)),
  route('GET', '/:id/threads_publishing_limit', (req, ctx, m) => {
    const user = userFor(req, ctx, m.id!);
    return {
      data: [
        {
          quota_usage: counted(ctx, user.id, false).length,
          config: { quota_total: ctx.o.threadsQuota, quota_duration: 86400 },
          reply_quota_usage: counted(ctx, user.id, true).length,
          reply_config: { quota_total: ctx.o.threadsReplyQuota, quota_duration: 86400 },
        },
      ],
    };
  }),
];
