import type { FastifyRequest } from 'fastify';
import { InvalidRequest, NotFound, PostConflict, StateConflict, type PostsCaller } from '../../posts/index.js';
import type { ApiContext } from '../context.js';
import { HttpProblem, invalid, notFound } from '../problem.js';

/** The posts services' caller: this request's workspace and API key. */
export const callerOf = (ctx: ApiContext, request: FastifyRequest): PostsCaller => ({
  deps: ctx.posts,
  workspaceId: request.caller.workspaceId,
  actor: request.caller.keyId,
});

/** A post that cannot be changed now: 409, saying why and, when known, when to try again (also as Retry-After). */
export const busyProblem = (err: PostConflict) =>
  new HttpProblem(409, 'already-publishing', err.message, undefined, err.retryAt === null ? undefined : { retry_at: new Date(err.retryAt).toISOString() });

/** The posts services' typed errors as problems: 404, 422 naming fields, 409 saying why (and when to come back). */
export function postsProblem(err: unknown): unknown {
  if (err instanceof NotFound) return notFound(err.what);
  if (err instanceof InvalidRequest) return invalid(err.issues, err.message);
  if (err instanceof StateConflict) return new HttpProblem(409, err.slug, err.message);
  if (err instanceof PostConflict) return busyProblem(err);
  return err;
}

/** Awaits a posts service, its typed errors turned into problems. */
export const answering = async <T>(work: Promise<T>): Promise<T> => work.catch((err: unknown) => Promise.reject(postsProblem(err)));
