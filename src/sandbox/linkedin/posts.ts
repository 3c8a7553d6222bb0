import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from './context.js';
import { errors } from './errors.js';
import { renderLittleText } from './little-text.js';
import { defineOperation } from './operation.js';
import { checkAuthor } from './organizations.js';
import type { SandboxPost } from './state.js';

type Body = Record<string, unknown>;
const VISIBILITY = ['PUBLIC', 'CONNECTIONS', 'LOGGED_IN'];

/** The post as `GET /rest/posts` shows it. */
export const postView = (p: SandboxPost) => ({
  id: p.urn,
  author: p.author,
  commentary: p.commentary,
  visibility: p.visibility,
  distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
  ...(p.content && { content: p.content }),
  lifecycleState: p.lifecycleState,
  isReshareDisabledByAuthor: p.isReshareDisabledByAuthor,
  createdAt: p.createdAt,
  publishedAt: p.createdAt,
  lastModifiedAt: p.createdAt,
});

/** Checks `content` the way LinkedIn does: media must exist, belong to the author and be AVAILABLE. */
function checkContent(ctx: SandboxContext, author: string, content: unknown): Record<string, unknown> | undefined {
  if (content === undefined) return undefined;
  const c = content as Body;
  ctx.state.settle();
  const mediaReady = (id: unknown, path: string) => {
    const urn = typeof id === 'string' ? id : '';
    const m = urn.startsWith('urn:li:image:') ? ctx.state.images.get(urn) : urn.startsWith('urn:li:video:') ? ctx.state.videos.get(urn) : undefined;
    if (!m) throw errors.validation([[path, `"${urn}" is not an image or video URN of this application`]]);
    if (m.owner !== author) throw errors.accessDenied(`${urn} is owned by ${m.owner}, not ${author}`);
    if (m.status !== 'AVAILABLE') throw errors.illegalArgument(`${urn} is ${m.status}; media must be AVAILABLE before a post uses it`);
  };
  const kinds = ['media', 'multiImage', 'article', 'poll'].filter((k) => c[k] !== undefined);
  if (kinds.length !== 1) throw errors.validation([['/content', 'exactly one of media, multiImage, article or poll is required']]);
  if (c.media) mediaReady((c.media as Body).id, '/content/media/id');
  if (c.multiImage) {
    const images = ((c.multiImage as Body).images ?? []) as Body[];
    if (images.length < 2 || images.length > 20) throw errors.validation([['/content/multiImage/images', `size ${images.length} is not within 2..20`]]);
    images.forEach((img, i) => {
      if (typeof img.id !== 'string' || !img.id.startsWith('urn:li:image:'))
        throw errors.validation([[`/content/multiImage/images/${i}/id`, 'must be an image URN']]);
      mediaReady(img.id, `/content/multiImage/images/${i}/id`);
    });
  }
  if (c.article) {
    const a = c.article as Body;
    const problems: Array<[string, string]> = [];
    if (typeof a.source !== 'string' || !/^https?:\/\//.test(a.source))
      problems.push(['/content/article/source', 'field is required but not found and has no default value']);
    if (typeof a.title !== 'string' || a.title === '') problems.push(['/content/article/title', 'field is required but not found and has no default value']);
    if (problems.length) throw errors.validation(problems);
    if (a.thumbnail !== undefined) mediaReady(a.thumbnail, '/content/article/thumbnail');
  }
  return c;
}

export function registerPostRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  defineOperation(
    app,
    ctx,
    { method: 'POST', url: '/rest/posts', name: 'POST /rest/posts', versioned: true, daily: true },
    async ({ request, member, token }) => {
      const body = (request.body ?? {}) as Body;
      const missing = ['author', 'commentary', 'visibility', 'distribution', 'lifecycleState'].filter((k) => body[k] === undefined);
      if (missing.length) throw errors.validation(missing.map((k) => [`/${k}`, 'field is required but not found and has no default value']));
      const author = checkAuthor(ctx, member!, token!, body.author, 'write');
      if (typeof body.commentary !== 'string') throw errors.validation([['/commentary', 'must be a string']]);
      if (body.commentary.length > ctx.options.commentaryMax)
        throw errors.validation([['/commentary', `FIELD_LENGTH_TOO_LONG: length ${body.commentary.length} exceeds ${ctx.options.commentaryMax}`]]);
      if (!VISIBILITY.includes(String(body.visibility)))
        throw errors.validation([['/visibility', `"${String(body.visibility)}" is not one of ${VISIBILITY.join(', ')}`]]);
      if (body.visibility === 'CONNECTIONS' && author.startsWith('urn:li:organization:'))
        throw errors.illegalArgument('Organization posts cannot have CONNECTIONS visibility');
      if (body.lifecycleState !== 'PUBLISHED' && body.lifecycleState !== 'DRAFT') throw errors.validation([['/lifecycleState', 'must be PUBLISHED or DRAFT']]);
      const content = checkContent(ctx, author, body.content);
      const rendered = renderLittleText(body.commentary, ctx.options.truncateUnescaped);
      const urn = `urn:li:share:${ctx.state.nextId()}`;
      ctx.state.posts.set(urn, {
        urn,
        author,
        commentary: body.commentary,
        shownText: rendered.text,
        visibility: String(body.visibility),
        ...(content && { content }),
        lifecycleState: String(body.lifecycleState),
        isReshareDisabledByAuthor: body.isReshareDisabledByAuthor === true,
        createdAt: Date.now(),
        createdBy: member!.id,
      });
      return { status: 201, headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
    },
  );

  defineOperation(app, ctx, { method: 'GET', url: '/rest/posts', name: 'GET /rest/posts?q=author', versioned: true }, async ({ request, member, token }) => {
    const q = request.query as Record<string, string | undefined>;
    if (q.q !== 'author') throw errors.illegalArgument('Only the author finder is emulated');
    const author = checkAuthor(ctx, member!, token!, q.author, 'read', 'author');
    const start = Number(q.start ?? 0);
    const count = Math.min(Number(q.count ?? 10), 100);
    const visibleBefore = Date.now() - ctx.options.listLagMs;
    // sortBy CREATED (and the default LAST_MODIFIED, the same here: posts are never edited): newest first.
    const all = [...ctx.state.posts.values()]
      .filter((p) => p.author === author && p.createdAt <= visibleBefore)
      .sort((a, b) => b.createdAt - a.createdAt || (a.urn < b.urn ? 1 : -1));
    return { status: 200, body: { elements: all.slice(start, start + count).map(postView), paging: { start, count, links: [], total: all.length } } };
  });

  defineOperation(app, ctx, { method: 'GET', url: '/rest/posts/:urn', name: 'GET /rest/posts/{urn}', versioned: true }, async ({ request, member, token }) => {
    const post = ctx.state.posts.get((request.params as { urn: string }).urn);
    if (!post) throw errors.notFound('Post');
    checkAuthor(ctx, member!, token!, post.author, 'read');
    return { status: 200, body: postView(post) };
  });

  defineOperation(
    app,
    ctx,
    { method: 'DELETE', url: '/rest/posts/:urn', name: 'DELETE /rest/posts/{urn}', versioned: true },
    async ({ request, member, token }) => {
      const urn = (request.params as { urn: string }).urn;
      const post = ctx.state.posts.get(urn);
      if (!post) throw errors.notFound('Post');
      checkAuthor(ctx, member!, token!, post.author, 'write');
      ctx.state.posts.delete(urn);
      return { status: 204 };
    },
  );
}
