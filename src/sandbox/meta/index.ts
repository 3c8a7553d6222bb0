import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx, Mount, ResolvedOptions, Route } from './context.js';
import { facebookRoutes } from './facebook.js';
import { Faults, type FaultRule } from './faults.js';
import { GraphFailure, Raw, readParams, type Req } from './graph-http.js';
import { INSPECTION_ROUTES, inspectionRoutes } from './inspection.js';
import { documentRoutes, openApiPath } from '../common/index.js';
import { DESCRIPTION, MOUNT_NAMES, ROUTE_DOCS } from './openapi.js';
import { instagramRoutes } from './instagram.js';
import { nodeRoutes } from './nodes.js';
import { oauthRoutes } from './oauth.js';
import { threadsRoutes } from './threads.js';
import { worldFor, type World } from './world.js';
import { usageHeaders } from './usage.js';

export type { FaultRule } from './faults.js';
export type { World, Person, Page, IgUser, ThreadsUser, Container, Published, Token } from './world.js';
export { IG_MEDIA_PARAMS } from './instagram.js';
export { FEED_PARAMS, PHOTO_PARAMS, VIDEO_PARAMS } from './facebook.js';
export { THREADS_PARAMS } from './threads.js';

export interface MetaSandboxOptions extends Partial<Omit<ResolvedOptions, 'usage' | 'fetchAllowHosts'>> {
  /** `host` or `host:port` media may be fetched from though private; default none. A function is read at each fetch. */
  fetchAllowHosts?: readonly string[] | (() => readonly string[]);
  /** Mounts created with the same key share one world (people, Pages, tokens, posts). Default "default". */
  world?: string;
  usage?: ResolvedOptions['usage'];
  faults?: FaultRule[];
}

export interface MetaSandbox {
  plugin: FastifyPluginAsync;
  world: World;
  faults: Faults;
  options: ResolvedOptions;
  /** Forgets the whole world (all three mounts' state) and this mount's faults. */
  reset(): void;
  /** The world as text (see World.snapshot): the three mounts share it, so it is saved once, as `stateName`. */
  snapshot(): string;
  restore(snapshot: string): void;
  /** `meta` for the default world, `meta-<key>` for another: the name its saved state goes by. */
  stateName: string;
}

const ROUTES: Route[] = [...oauthRoutes, ...instagramRoutes, ...facebookRoutes, ...threadsRoutes, ...nodeRoutes];

export function resolveOptions(o: MetaSandboxOptions): ResolvedOptions {
  return {
    mount: o.mount ?? 'facebook',
    apps: o.apps ?? [{ clientId: 'pinion-sandbox', clientSecret: 'pinion-sandbox-secret' }],
    imageProcessingMs: o.imageProcessingMs ?? 100,
    videoProcessingMs: o.videoProcessingMs ?? 600,
    containerTtlSeconds: o.containerTtlSeconds ?? 86_400,
    // Meta's pages disagree (100 in the guide, 50 in the references): the stricter by default.
    instagramQuota: o.instagramQuota ?? 50,
    threadsQuota: o.threadsQuota ?? 250,
    threadsReplyQuota: o.threadsReplyQuota ?? 1000,
    shortLivedSeconds: o.shortLivedSeconds ?? 3600,
    longLivedSeconds: o.longLivedSeconds ?? 5_183_944,
    refreshMinAgeSeconds: o.refreshMinAgeSeconds ?? 86_400,
    codeTtlSeconds: o.codeTtlSeconds ?? 600,
    mediaFetchTimeoutMs: o.mediaFetchTimeoutMs ?? 10_000,
    fetchAllowHosts:
      typeof o.fetchAllowHosts === 'function'
        ? o.fetchAllowHosts
        : (
            (hosts) => () =>
              hosts ?? []
          )(o.fetchAllowHosts),
    pagePostLimit: o.pagePostLimit ?? 0,
    pagePostWindowSeconds: o.pagePostWindowSeconds ?? 3600,
    usage: o.usage ?? {},
    appCallsPerHour: o.appCallsPerHour ?? 20_000,
    strictParams: o.strictParams ?? true,
    now: o.now ?? Date.now,
  };
}

const operationOf = (method: string, path: string) => `${method} ${path.replace(/\/\d+(_\d+)?(?=\/|$)/g, '/{id}')}`;

/** One emulator of the Graph API, configured for one mount (`facebook`, `instagram` or `threads`). */
export function createMetaSandbox(options: MetaSandboxOptions = {}): MetaSandbox {
  const o = resolveOptions(options);
  const world = worldFor(options.world ?? 'default');
  const faults = new Faults(options.faults);
  const ctx: Ctx = { world, o, faults, now: () => o.now() };

  async function handle(request: FastifyRequest, reply: FastifyReply) {
    const url = new URL(request.url, 'http://sandbox');
    const rest = `/${(request.params as Record<string, string>)['*'] ?? ''}`.replace(/\?.*$/, '');
    const path = rest.replace(/^\/v\d+\.\d+(?=\/)/, '') || '/';
    const mountPath = url.pathname.slice(0, url.pathname.length - rest.length);
    const base = `${request.protocol}://${request.headers.host}${mountPath}`;
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (path.startsWith('/_sandbox/')) return send(reply, await inspect(path, request.method, body));
    const operation = operationOf(request.method, path);
    world.calls.push({ operation, at: ctx.now(), mount: o.mount });
    const fault = faults.take(operation);
    if (fault?.kind === 'error') {
      const status = fault.status ?? 500;
      return send(
        reply,
        new GraphFailure(status, status === 503 ? 2 : 1, status === 503 ? 'Service temporarily unavailable' : 'An unknown error has occurred.', undefined, {
          type: 'OAuthException',
        }),
      );
    }
    if (fault?.kind === 'hang') {
      await new Promise((r) => setTimeout(r, fault.hangMs ?? 30_000));
      request.raw.socket.destroy();
      return reply.hijack();
    }
    let result: unknown;
    try {
      const params = readParams(Object.fromEntries(url.searchParams), body, request.headers['content-type']);
      const auth = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(String(request.headers.authorization ?? ''));
      const req: Req = { method: request.method, path, params, headers: request.headers, body, tokenValue: auth?.[1] ?? params.access_token, base };
      result = await dispatch(req);
    } catch (err) {
      if (!(err instanceof GraphFailure)) throw err;
      result = err;
    }
    if (fault?.kind === 'drop') {
      // The work is done; the answer never leaves.
      request.raw.socket.destroy();
      return reply.hijack();
    }
    for (const [k, v] of Object.entries(usageHeaders(ctx, path))) reply.header(k, v);
    return send(reply, result);
  }

  async function dispatch(req: Req): Promise<unknown> {
    for (const r of ROUTES) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(req.path);
      if (!m) continue;
      return r.handle(req, ctx, Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1]!)])));
    }
    throw new GraphFailure(400, 100, `Unknown path components: ${req.path}`);
  }

  async function inspect(path: string, method: string, body: Buffer): Promise<unknown> {
    const input = body.length ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};
    return inspectionRoutes(ctx, path, method, input);
  }

  // The Graph dispatches itself behind one wildcard route: its document lists the routes of its table.
  const documented = [
    ...ROUTES.map((r) => ({ method: r.method, path: openApiPath(r.path) })),
    ...INSPECTION_ROUTES.map((r) => ({ method: r.split(' ')[0]!, path: r.split(' ')[1]! })),
  ];

  const plugin: FastifyPluginAsync = async (app) => {
    documentRoutes(app, { platform: MOUNT_NAMES[o.mount], description: DESCRIPTION, docs: ROUTE_DOCS, routes: documented });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 300 * 1024 * 1024 }, (_req, b, done) => done(null, b));
    app.all('/*', handle);
  };

  return {
    plugin,
    world,
    faults,
    options: o,
    reset() {
      world.reset();
      faults.set(options.faults ?? []);
    },
    snapshot: () => world.snapshot(),
    restore: (text) => world.restore(text),
    stateName: options.world === undefined || options.world === 'default' ? 'meta' : `meta-${options.world}`,
  };
}

function send(reply: FastifyReply, result: unknown) {
  if (result instanceof GraphFailure) return reply.code(result.status).header('www-authenticate', 'OAuth "Facebook Platform"').send(result.body());
  if (result instanceof Raw) {
    for (const [k, v] of Object.entries(result.headers)) reply.header(k, v);
    return reply.code(result.status).send(result.body);
  }
  return reply.code(200).send(result);
}

export type { Mount };
