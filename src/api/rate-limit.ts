import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { HttpProblem } from './problem.js';

/**
 * Requests per API key per minute, counted by @fastify/rate-limit after authentication (so the key is
 * known). Every answer carries X-RateLimit-Limit/-Remaining/-Reset; one over the limit is a 429
 * problem+json with Retry-After. Counts are per server process: N servers allow up to N times the limit.
 */
export async function limitPerApiKey(app: FastifyInstance, perMinute: number): Promise<void> {
  if (perMinute <= 0) return;
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    // After requireApiKey's onRequest hook: request.caller is set by then.
    hook: 'preHandler',
    keyGenerator: (request) => request.caller?.keyId ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(429, 'rate-limited', `This API key made more than ${context.max} requests in a minute; try again in ${context.after}`, undefined, {
        retry_at: new Date(Date.now() + context.ttl).toISOString(),
      }),
  });
}
