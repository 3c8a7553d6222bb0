import type { Ctx } from './context.js';
import type { FaultRule } from './faults.js';
import { GraphFailure } from './graph-http.js';
import type { IgUser } from './world.js';

/**
 * `/_sandbox/*`: what a test or a person trying Pinion out reads and sets.
 * - GET /_sandbox/state — people, Pages, Instagram and Threads users, containers, posts, comments
 * - POST /_sandbox/people {name, pages:[{name, instagram?, accountType?}]} — a person who can log in
 * - POST /_sandbox/faults {rules:[…]} — replaces this mount's faults; GET lists them
 * - POST /_sandbox/usage {app?, buc?, regainMinutes?} — the usage the headers report
 * - POST /_sandbox/revoke {subject} — kills every token of a person, Page or user (password change)
 * - POST /_sandbox/reset — forgets everything
 */
/** The routes above, for the OpenAPI document (the dispatch is the switch below). */
export const INSPECTION_ROUTES = [
  'GET /_sandbox/state',
  'POST /_sandbox/people',
  'GET /_sandbox/faults',
  'POST /_sandbox/faults',
  'POST /_sandbox/usage',
  'POST /_sandbox/revoke',
  'POST /_sandbox/reset',
];

export function inspectionRoutes(ctx: Ctx, path: string, method: string, input: Record<string, unknown>): unknown {
  const w = ctx.world;
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /_sandbox/state':
      return {
        people: [...w.people.values()],
        pages: [...w.pages.values()],
        instagram_users: [...w.igUsers.values()],
        threads_users: [...w.threadsUsers.values()],
        containers: [...w.containers.values()].map(({ params, ...c }) => ({ ...c, media_type: params.media_type ?? null })),
        published: [...w.published.values()],
        comments: w.comments,
        calls: w.calls.length,
      };
    case 'POST /_sandbox/people':
      return w.addPerson(input as { name: string; pages?: Array<{ name: string; instagram?: string; accountType?: IgUser['accountType'] }> });
    case 'GET /_sandbox/faults':
      return { rules: ctx.faults.list() };
    case 'POST /_sandbox/faults':
      ctx.faults.set((input.rules as FaultRule[] | undefined) ?? []);
      return { rules: ctx.faults.list() };
    case 'POST /_sandbox/usage':
      Object.assign(ctx.o.usage, input);
      return ctx.o.usage;
    case 'POST /_sandbox/revoke':
      w.revokeSubject(String(input.subject));
      return { success: true };
    case 'POST /_sandbox/reset':
      w.reset();
      return { success: true };
    default:
      throw new GraphFailure(404, 100, `No sandbox route ${key}`);
  }
}
