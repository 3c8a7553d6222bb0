import { route, type Route } from './context.js';
import { containerView } from './containers.js';
import { pagesOf } from './facebook.js';
import { GraphFailure, authorize, fieldsOf, iso, pick } from './graph-http.js';
import { igUserFor, mediaView } from './instagram.js';
import { threadView } from './threads.js';

/** Nodes read by id, `/me` and `/me/accounts`, and deletes. */
export const nodeRoutes: Route[] = [
  route('GET', '/me/accounts', (req, ctx) => pagesOf(req, ctx)),
  route('GET', '/me', (req, ctx) => {
    const t = authorize(ctx.world, req, ctx.now());
    const fields = fieldsOf(req.params, ['id', 'name']);
    if (t.kind === 'ig_long' || t.kind === 'ig_short') {
      const u = ctx.world.igUsers.get(t.subject)!;
      return pick({ id: u.id, user_id: u.id, username: u.username, account_type: u.accountType, name: u.username }, fields);
    }
    if (t.kind === 'th_long' || t.kind === 'th_short') {
      const u = ctx.world.threadsUsers.get(t.subject)!;
      return pick({ id: u.id, username: u.username, name: u.username }, fields);
    }
    if (t.kind === 'page') {
      const p = ctx.world.pages.get(t.subject)!;
      return pick({ id: p.id, name: p.name }, fields);
    }
    const person = ctx.world.people.get(t.subject)!;
    return pick({ id: person.id, name: person.name }, fields);
  }),
  route('GET', '/:id', (req, ctx, m) => {
    const id = m.id!;
    const t = authorize(ctx.world, req, ctx.now());
    const fields = fieldsOf(req.params, ['id']);
    const container = ctx.world.containers.get(id);
    if (container) {
      if (container.platform === 'instagram') igUserFor(req, ctx, container.owner);
      else if (t.subject !== container.owner) throw new GraphFailure(400, 10, '(#10) Application does not have permission for this action');
      return pick(containerView(ctx, container), fields);
    }
    const item = ctx.world.published.get(id);
    if (item?.platform === 'instagram') {
      igUserFor(req, ctx, item.owner);
      return pick(mediaView(item), fields);
    }
    if (item?.platform === 'threads') return pick(threadView(item), fields);
    if (item) return pick({ id: item.id, message: item.text, created_time: iso(item.createdAt), permalink_url: item.permalink }, fields);
    const ig = ctx.world.igUsers.get(id);
    if (ig) return pick({ id: ig.id, username: ig.username }, fields);
    const page = ctx.world.pages.get(id);
    if (page) return pick({ id: page.id, name: page.name }, fields);
    throw new GraphFailure(
      400,
      100,
      `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      33,
    );
  }),
  route('DELETE', '/:id', (req, ctx, m) => {
    const t = authorize(ctx.world, req, ctx.now());
    const item = ctx.world.published.get(m.id!);
    if (!item) throw new GraphFailure(400, 100, `Unsupported delete request. Object with ID '${m.id}' does not exist`, 33);
    const owner = item.platform === 'instagram' ? (ctx.world.pages.get(t.subject)?.igUserId ?? t.subject) : t.subject;
    if (owner !== item.owner) throw new GraphFailure(400, 10, '(#10) Application does not have permission for this action');
    ctx.world.published.delete(item.id);
    return { success: true };
  }),
];
