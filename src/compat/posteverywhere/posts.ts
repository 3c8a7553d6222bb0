import type { FastifyInstance } from 'fastify';
import { bodyOf, peCall, type PeDeps } from './context.js';
import { peValidation } from './errors.js';
import { ok } from './reply.js';
import { createdView, destinationView, postView, toPinionRequest } from './post-shape.js';
import { listPosts } from './post-list.js';
import { bulkCreate, retryFailed } from './post-actions.js';
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

  // Per item, as PostEverywhere does: Pinion's bulk create in mode per_item; a post that cannot be translated fails alone.
  app.post('/posts/bulk', async (request, reply) => {
    const call = peCall(deps, request);
    const posts = bodyOf(request).posts;
    if (!Array.isArray(posts) || !posts.length || posts.length > BULK_MAX) throw peValidation('posts', `must be an array of 1 to ${BULK_MAX} posts`);
    const results = await bulkCreate(call, posts);
    const succeeded = results.filter((r) => r.ok).length;
    return ok(reply, { summary: { total: results.length, succeeded, failed: results.length - succeeded }, results }, succeeded ? 201 : 200);
  });

  app.delete<{ Params: { id: string } }>('/posts/:id', async (request, reply) => {
    const call = peCall(deps, request);
    const out = await call.native.delete<{ post: NativePost; deliveries: Array<{ result: string }> }>(`/posts/${idOf(request.params.id)}`);
    const kept = out.deliveries.filter((d) => d.result === 'kept').length;
    return ok(reply, {
      message: `Post ${out.post.id} deleted${kept ? `; ${kept} published ${kept === 1 ? 'copy stays' : 'copies stay'} on the platform` : ''}`,
      deliveries: out.deliveries,
    });
  });

  app.post<{ Params: { id: string } }>('/posts/:id/retry', async (request, reply) => {
    const call = peCall(deps, request);
    const out = await call.native.post<{ post: NativePost; retried: string[] }>(`/posts/${idOf(request.params.id)}/retry`, {});
    return ok(reply, { message: `${out.retried.length} failed destination${out.retried.length === 1 ? '' : 's'} queued again`, retried: out.retried.length });
  });

  app.post('/posts/retry-failed', async (request, reply) => ok(reply, await retryFailed(peCall(deps, request), bodyOf(request))));

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
    return ok(reply, {
      post_id: post.id,
      content: typeof post.request.content === 'string' ? post.request.content : '',
      scheduled_for: post.scheduled_at,
      results,
    });
  });
}
