import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CompatIds } from './ids.js';
import { Native } from './native.js';
import { PeError } from './errors.js';

/** What each translated request needs: Pinion's API as the caller, and the id numbering. */
export interface PeCall {
  native: Native;
  ids: CompatIds;
}

export interface PeDeps {
  /** The whole server, to call its native routes in-process. */
  app: FastifyInstance;
  ids: CompatIds;
  /** How long POST /webhooks/{id}/test waits for the test delivery's first attempt. */
  webhookTestWaitMs: number;
}

export const peCall = (deps: PeDeps, request: FastifyRequest): PeCall => {
  const headers: Record<string, string> = {};
  if (request.headers.authorization) headers.authorization = request.headers.authorization;
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string') headers['idempotency-key'] = key;
  return { native: new Native(deps.app, headers), ids: deps.ids };
};

/** A whole number id from the path, as PostEverywhere's are. */
export function numericId(raw: string, what: string): number {
  if (!/^\d{1,15}$/.test(raw)) throw new PeError(404, 'not_found', `${what} not found`);
  return Number(raw);
}

/** A JSON object body, or an empty one when none was sent. */
export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body))
    throw new PeError(400, 'validation_error', 'The body must be a JSON object', { errors: [{ field: '(body)', message: 'must be a JSON object' }] });
  return body as Record<string, unknown>;
}
