import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A registry per server rather than prom-client's global one, so tests and an embedded
 * sandbox can run several servers in one process without colliding metric names.
 */
export function createMetrics(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pinion_' });
  return registry;
}

export function instrumentHttp(app: FastifyInstance, registry: Registry, opts: { token?: string } = {}): void {
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
  const expected = opts.token ? createHash('sha256').update(`Bearer ${opts.token}`).digest() : undefined;
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // Compared as digests of equal length, in constant time: the token is a secret.
    if (
      expected &&
      !timingSafeEqual(
        createHash('sha256')
          .update(request.headers.authorization ?? '')
          .digest(),
        expected,
      )
    ) {
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return reply.code(401).type('application/problem+json').send({
        type: 'urn:pinion:problem:unauthorized',
        title: 'Unauthorized',
        status: 401,
        detail: 'Send the metrics token as "Authorization: Bearer <token>" (config metricsToken)',
      });
    }
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
export function tokenMetrics(registry: Registry): { refreshed(platform: string): void; refreshFailed(platform: string, kind: string): void } {
  const refreshes = new Counter({
    name: 'pinion_token_refreshes_total',
    help: 'Access-token refreshes that succeeded, by platform',
    labelNames: ['platform'],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'pinion_token_refresh_failures_total',
    help: 'Access-token refreshes that failed, by platform and kind; kind="misconfigured" means the platform refused the app credentials',
    labelNames: ['platform', 'kind'],
    registers: [registry],
  });
  return { refreshed: (platform) => refreshes.inc({ platform }), refreshFailed: (platform, kind) => failures.inc({ platform, kind }) };
}

/** What the database says at scrape time: the same answer whichever server is scraped, however many workers run. */
export interface StateSamples {
  deliveries: Array<{ platform: string; status: string; count: number }>;
  due: Array<{ platform: string; count: number; oldestDueAt: number }>;
  errors: Array<{ platform: string; kind: string; count: number }>;
  webhooks: Array<{ outcome: string; count: number }>;
}

/** Gauges read from the database when /metrics is scraped. */
export function stateMetrics(registry: Registry, read: () => Promise<StateSamples>, now: () => number = Date.now): void {
  // One read per scrape, shared by the gauges below.
  let pending: Promise<StateSamples> | undefined;
  const samples = () => (pending ??= read().finally(() => setTimeout(() => (pending = undefined), 0)));
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, s: StateSamples) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await samples();
        this.reset();
        fill(this, s);
      },
    });
  gauge('pinion_deliveries', 'Deliveries (post × account) by platform and status', ['platform', 'status'], (g, s) => {
    for (const d of s.deliveries) g.set({ platform: d.platform, status: d.status }, d.count);
  });
  gauge('pinion_queue_due', 'Deliveries due now and not yet picked up by a worker (queue depth), by platform', ['platform'], (g, s) => {
    for (const d of s.due) g.set({ platform: d.platform }, d.count);
  });
  gauge(
    'pinion_queue_oldest_due_age_seconds',
    'How long the oldest due delivery has waited past its time, by platform (0 when none is due)',
    ['platform'],
    (g, s) => {
      for (const d of s.due) g.set({ platform: d.platform }, Math.max(0, now() - d.oldestDueAt) / 1000);
    },
  );
  gauge(
    'pinion_delivery_platform_errors',
    'Deliveries whose last attempt the platform answered with an error, by platform and kind (retrying or failed)',
    ['platform', 'kind'],
    (g, s) => {
      for (const e of s.errors) g.set({ platform: e.platform, kind: e.kind }, e.count);
    },
  );
  gauge('pinion_webhook_deliveries', 'Webhook deliveries by outcome (pending, succeeded, failed), kept for the retention period', ['outcome'], (g, s) => {
    for (const w of s.webhooks) g.set({ outcome: w.outcome }, w.count);
  });
}
