import type { FastifyInstance } from 'fastify';
import { bodyOf, peCall, type PeDeps } from './context.js';
import { PeError, peValidation } from './errors.js';
import { ok } from './reply.js';
import { createdView, destinationView, postView, toPinionRequest } from './post-shape.js';
import { listPosts } from './post-list.js';
import type { NativePost } from './native-types.js';

const BULK_MAX = 50;
const idOf = (raw: string) => encodeURIComponent(raw);

export async function postRoutes(app: FastifyInstance, deps: PeDeps): Promise<void> {
  app.get<{ Querystring: Record<string, string> }>('/posts', async (request, reply) => ok(reply, await listPosts(peCall(deps, request), request.query)));

  app.get<{ Params: { id: string } }>('/posts/:id', async (request, reply) => {
    const call = peCall(deps, request);
    return ok(reply, await postView(call, await call.native.get<NativePost>(`/posts/${idOf(request.params.id)}`)));
  });

  app.post('/posts', async (request, reply) => {
    const call = peCall(deps, request);
    const post = await call.native.post<NativePost>('/posts', await toPinionRequest(call, bodyOf(request), 'create'));
    return ok(reply, createdView(post), 201);
  });

  // Per item, as PostEverywhere does: each post is created (or refused) on its own through the same native create.
  app.post('/posts/bulk', async (request, reply) => {
    const call = peCall(deps, request);
    const posts = bodyOf(request).posts;
    if (!Array.isArray(posts) || !posts.length || posts.length > BULK_MAX) throw peValidation('posts', `must be an array of 1 to ${BULK_MAX} posts`);
    const results = [];
    for (const [index, item] of posts.entries()) {
      try {
        if (typeof item !== 'object' || item === null || Array.isArray(item)) throw peValidation(`posts.${index}`, 'must be a post object');
        const post = await call.native.post<NativePost>('/posts', await toPinionRequest(call, item as Record<string, unknown>, 'create'));
        results.push({ index, ok: true, post: createdView(post) });
      } catch (err) {
        if (!(err instanceof PeError) || err.status === 401 || err.status === 429) throw err;
        results.push({ index, ok: false, error: { code: err.code, message: err.message, status: err.status, details: err.details } });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return ok(reply, { summary: { total: results.length, succeeded, failed: results.length - succeeded }, results }, succeeded ? 201 : 200);
  });

  app.patch<{ Params: { id: string } }>('/posts/:id', async (request, reply) => {
    const call = peCall(deps, request);
    const changes = await toPinionRequest(call, bodyOf(request), 'update');
    if (!Object.keys(changes).length) throw peValidation('(body)', 'changes nothing: send content, scheduled_for, timezone, account_ids or media_ids');
    return ok(reply, await postView(call, await call.native.patch<NativePost>(`/posts/${idOf(request.params.id)}`, changes)));
  });

  app.get<{ Params: { id: string } }>('/posts/:id/results', async (request, reply) => {
    const call = peCall(deps, request);
    const post = await call.native.get<NativePost>(`/posts/${idOf(request.params.id)}`);
    const results = [];
    for (const d of post.deliveries) results.push(await destinationView(call, d));
    return ok(reply, { post_id: post.id, content: typeof post.request.content === 'string' ? post.request.content : '', scheduled_for: post.scheduled_at, results });
  });
}
