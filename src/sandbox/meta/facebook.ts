import { route, type Ctx, type Route } from './context.js';
import { fetchMedia } from './fetch-media.js';
import { GraphFailure, allowOnly, authorize, badParam, fieldsOf, iso, pick, type Req } from './graph-http.js';
import { newId, type Page, type Published } from './world.js';

/** Parameters of `POST /{page-id}/feed`, `/photos`, `/videos` (Page.json edges; the subset Pinion may send and more). */
export const FEED_PARAMS = [
  'message',
  'link',
  'published',
  'scheduled_publish_time',
  'attached_media',
  'targeting',
  'feed_targeting',
  'place',
  'tags',
  'formatting',
] as const;
export const PHOTO_PARAMS = ['url', 'caption', 'message', 'published', 'alt_text_custom', 'temporary', 'scheduled_publish_time', 'no_story'] as const;
export const VIDEO_PARAMS = ['file_url', 'description', 'title', 'published', 'scheduled_publish_time', 'thumb'] as const;

/** The Page a token may post for: only its own Page token (a user token is refused as Meta does, code 200). */
function pageFor(req: Req, ctx: Ctx, id: string): Page {
  const t = authorize(ctx.world, req, ctx.now());
  const page = ctx.world.pages.get(id);
  if (!page) throw new GraphFailure(400, 100, `Unsupported ${req.method.toLowerCase()} request. Object with ID '${id}' does not exist`, 33);
  if (t.kind !== 'page' || t.subject !== id)
    throw new GraphFailure(
      403,
      200,
      '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission',
    );
  return page;
}

/** Code 32 when the Page has posted `pagePostLimit` times in the window, with the BUC header saying when access returns. */
function pagePace(ctx: Ctx, page: Page): void {
  if (!ctx.o.pagePostLimit) return;
  const since = ctx.now() - ctx.o.pagePostWindowSeconds * 1000;
  const recent = ctx.world.listBy(page.id, 'facebook').filter((p) => p.createdAt > since);
  if (recent.length >= ctx.o.pagePostLimit)
    throw new GraphFailure(400, 32, 'Page request limit reached', undefined, { userMessage: 'Too many posts from this Page; try again later' });
}

function save(ctx: Ctx, page: Page, type: string, text: string, extra: Partial<Published> = {}): Published {
  const id = type === 'video' || type === 'unpublished_photo' ? newId() : `${page.id}_${newId()}`;
  const post: Published = {
    id,
    owner: page.id,
    platform: 'facebook',
    type,
    text,
    createdAt: ctx.now(),
    link: null,
    children: [],
    replyTo: null,
    containerId: null,
    permalink: `https://www.facebook.com/${id}`,
    ...extra,
  };
  ctx.world.published.set(post.id, post);
  return post;
}

async function fetchOrFail(ctx: Ctx, url: string, want: 'image' | 'video') {
  const got = await fetchMedia(url, ctx.o.mediaFetchTimeoutMs, ctx.o.fetchAllowHosts());
  if (!got.ok) throw new GraphFailure(400, 324, `(#324) Missing or invalid image file: ${got.error!.message}`, undefined);
  if (got.kind !== want) throw new GraphFailure(400, 352, `(#352) The ${want} file you selected is in a format that we don't support.`);
}

const feedView = (p: Published) => ({
  id: p.id,
  message: p.text || undefined,
  created_time: iso(p.createdAt),
  permalink_url: p.permalink,
  ...(p.link && { link: p.link }),
});

export const facebookRoutes: Route[] = [
  route('POST', '/:id/feed', (req, ctx, m) => {
    const page = pageFor(req, ctx, m.id!);
    const p = req.params;
    if (ctx.o.strictParams) allowOnly(p, FEED_PARAMS, 'Page/feed');
    const attached = Object.entries(p)
      .filter(([k]) => k.startsWith('attached_media'))
      .flatMap(([, v]) => {
        const parsed = JSON.parse(v) as { media_fbid?: string } | Array<{ media_fbid?: string }>;
        return (Array.isArray(parsed) ? parsed : [parsed]).map((x) => x.media_fbid ?? '');
      });
    for (const id of attached) {
      const photo = ctx.world.published.get(id);
      if (!photo || photo.owner !== page.id || photo.type !== 'unpublished_photo')
        throw badParam(`(#100) attached_media ${id} is not an unpublished photo of this Page`);
    }
    if (!p.message && !p.link && !attached.length) throw badParam('(#100) Missing message or attachment');
    if (p.link && !/^https?:\/\//.test(p.link)) throw new GraphFailure(400, 100, 'The link could not be scraped', 1609005);
    pagePace(ctx, page);
    const post = save(ctx, page, attached.length ? 'photos' : p.link ? 'link' : 'status', p.message ?? '', { link: p.link ?? null, children: attached });
    return { id: post.id };
  }),
  route('POST', '/:id/photos', async (req, ctx, m) => {
    const page = pageFor(req, ctx, m.id!);
    const p = req.params;
    if (ctx.o.strictParams) allowOnly(p, PHOTO_PARAMS, 'Page/photos');
    if (!p.url) throw badParam('(#100) url is required (the sandbox takes no multipart source)');
    await fetchOrFail(ctx, p.url, 'image');
    if (p.published === 'false') {
      const photo = save(ctx, page, 'unpublished_photo', p.caption ?? p.message ?? '');
      return { id: photo.id };
    }
    pagePace(ctx, page);
    const post = save(ctx, page, 'photo', p.caption ?? p.message ?? '');
    return { id: post.id.split('_')[1], post_id: post.id };
  }),
  route('POST', '/:id/videos', async (req, ctx, m) => {
    const page = pageFor(req, ctx, m.id!);
    const p = req.params;
    if (ctx.o.strictParams) allowOnly(p, VIDEO_PARAMS, 'Page/videos');
    if (!p.file_url) throw badParam('(#100) file_url is required (the sandbox takes no multipart source)');
    await fetchOrFail(ctx, p.file_url, 'video');
    pagePace(ctx, page);
    const video = save(ctx, page, 'video', p.description ?? '');
    return { id: video.id };
  }),
  route('GET', '/:id/feed', (req, ctx, m) => {
    const page = pageFor(req, ctx, m.id!);
    const posts = ctx.world
      .listBy(page.id, 'facebook')
      .filter((p) => p.type !== 'unpublished_photo' && p.type !== 'video')
      .sort((a, b) => b.createdAt - a.createdAt);
    return {
      data: posts.slice(0, Math.min(Number(req.params.limit ?? 25), 100)).map((p) => pick(feedView(p), fieldsOf(req.params, ['message', 'created_time']))),
    };
  }),
  route('GET', '/:id/videos', (req, ctx, m) => {
    const page = pageFor(req, ctx, m.id!);
    const videos = ctx.world
      .listBy(page.id, 'facebook')
      .filter((p) => p.type === 'video')
      .sort((a, b) => b.createdAt - a.createdAt);
    return {
      data: videos.map((v) =>
        pick(
          { id: v.id, description: v.text, created_time: iso(v.createdAt), permalink_url: `/${page.id}/videos/${v.id}` },
          fieldsOf(req.params, ['description', 'created_time']),
        ),
      ),
    };
  }),
];

/** `/me/accounts`: the Pages a person manages, each with a Page token and its linked Instagram account. */
export function pagesOf(req: Req, ctx: Ctx) {
  const t = authorize(ctx.world, req, ctx.now());
  const person = t.kind === 'fb_user' || t.kind === 'fb_short' ? ctx.world.people.get(t.subject) : undefined;
  if (!person) throw new GraphFailure(400, 100, '(#100) Tried accessing nonexisting field (accounts) on node type (Page)');
  return {
    data: person.pageIds.map((id) => {
      const page = ctx.world.pages.get(id)!;
      const ig = page.igUserId ? ctx.world.igUsers.get(page.igUserId) : undefined;
      // A Page token got from a long-lived user token does not expire.
      const token = ctx.world.issue('page', page.id, t.clientId, ctx.now(), t.kind === 'fb_user' ? null : ctx.o.shortLivedSeconds);
      return {
        id: page.id,
        name: page.name,
        access_token: token.value,
        tasks: ['CREATE_CONTENT', 'MANAGE', 'MODERATE'],
        ...(ig && { instagram_business_account: { id: ig.id, username: ig.username } }),
      };
    }),
    paging: {},
  };
}
