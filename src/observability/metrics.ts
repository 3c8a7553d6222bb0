import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A registry per server rather than prom-client's global one, so tests and an embedded
 * sandbox can run several servers in one process without colliding metric names.
 */
export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pinion_' });
  return registry;
}

export function instrumentHttp(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'pinion_http_requests_total',
    help: 'HTTP requests served, by route template and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'pinion_http_request_duration_seconds',
    help: 'HTTP request duration by route template',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route template, never the raw URL: ids in paths would explode label cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}

/** What the worker reports: how many deliveries went out, and how late against their scheduled time. */
export function publishMetrics(registry: Registry): { published(platform: string, latenessMs: number, adopted: boolean): void } {
  const published = new Counter({
    name: 'pinion_deliveries_published_total',
    help: 'Deliveries published, by platform; adopted=true when an unconfirmed attempt was found published',
    labelNames: ['platform', 'adopted'],
    registers: [registry],
  });
  const lateness = new Histogram({
    name: 'pinion_publish_lateness_seconds',
    help: 'Time from a delivery’s scheduled time to its publication',
    labelNames: ['platform'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
    registers: [registry],
  });
  return {
    published(platform, latenessMs, adopted) {
      published.inc({ platform, adopted: String(adopted) });
      lateness.observe({ platform }, Math.max(0, latenessMs) / 1000);
    },
  };
}

/** What the token keeper reports: refreshes that failed, by platform and kind (misconfigured, auth_revoked, retryable…). */
export function tokenMetrics(registry: Registry): { refreshFailed(platform: string, kind: string): void } {
  const failures = new Counter({
    name: 'pinion_token_refresh_failures_total',
    help: 'Access-token refreshes that failed, by platform and kind; kind="misconfigured" means the platform refused the app credentials',
    labelNames: ['platform', 'kind'],
    registers: [registry],
  });
  return { refreshFailed: (platform, kind) => failures.inc({ platform, kind }) };
}
