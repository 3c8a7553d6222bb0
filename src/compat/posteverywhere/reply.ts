import type { FastifyReply } from 'fastify';
import { PeError } from './errors.js';

/** PostEverywhere's success envelope: the result under `data`, the request id under `meta`. */
export const ok = (reply: FastifyReply, data: unknown, status = 200) => reply.code(status).send({ data, meta: { request_id: String(reply.request.id) } });

export function sendPeError(reply: FastifyReply, err: PeError): FastifyReply {
  if (err.retryAfter !== undefined) reply.header('retry-after', err.retryAfter);
  return reply
    .code(err.status)
    .type('application/json')
    .send({
      error: { message: err.message, code: err.code, ...(err.details ? { details: err.details } : {}) },
      meta: { request_id: String(reply.request.id) },
    });
}
