import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Each emulator's own OpenAPI document, at `<mount>/openapi.json`: made from the routes it registers, so a
 * route added without a line in its table of operations fails the document (and its test) instead of
 * going undocumented. The product's document leaves the emulators out; these say what each one answers.
 */

/** `[operationId, description, tag]` by `METHOD /path/{param}` (paths relative to the mount). */
export type RouteDocs = Record<string, readonly [operationId: string, description: string, tag?: RouteTag]>;

/**
 * `api`: the platform's API, with its bearer token; `oauth`: consent pages and token endpoints; `upload`: the
 * pre-signed upload and media URLs the platform hands out; `sandbox`: the emulator's own controls (`/_sandbox/…`).
 */
export type RouteTag = 'api' | 'oauth' | 'upload' | 'sandbox';

const TAGS: Record<RouteTag, string> = {
  api: 'The platform’s API as the emulator answers it (bearer token from its OAuth flow)',
  oauth: 'The consent page and token endpoints of the platform’s OAuth flow',
  upload: 'Upload and media URLs the platform hands out (pre-signed: no bearer token)',
  sandbox: 'The emulator’s own controls, not the platform’s: inspect its state, set faults, reset. Never authenticated',
};

export interface SandboxRoute {
  method: string;
  /** Relative to the mount, OpenAPI style: `/v5/boards/{board_id}`. */
  path: string;
}

/** `:name` and `*` of a Fastify URL as OpenAPI path parameters. */
export const openApiPath = (url: string) =>
  url
    .replace(/:(\w+)(\([^)]*\))?/g, '{$1}')
    .replace(/\*$/, '{path}')
    .replace(/^$/, '/');

/** Every route registered in `instance` (and the plugins it registers) from now on, relative to its prefix. */
export function collectRoutes(instance: FastifyInstance): () => SandboxRoute[] {
  const prefix = instance.prefix;
  const routes = new Map<string, SandboxRoute>();
  instance.addHook('onRoute', (route) => {
    // Fastify adds a HEAD beside every GET; the document lists the GET.
    for (const method of [route.method].flat().filter((m) => m !== 'HEAD')) {
      const path = openApiPath(route.url.slice(prefix.length));
      routes.set(`${method} ${path}`, { method, path });
    }
  });
  return () => [...routes.values()];
}

export interface DocumentInput {
  /** As people write it: `Pinterest`. */
  platform: string;
  /** Where the emulator is reached, mount included: the document's server. */
  serverUrl: string;
  description: string;
  routes: SandboxRoute[];
  docs: RouteDocs;
}

const response = (description: string) => ({ description, content: { 'application/json': { schema: {} } } });

/** The OpenAPI 3.1 document of one emulator. Throws naming the routes its table does not describe. */
export function sandboxDocument(input: DocumentInput): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const missing: string[] = [];
  const used = new Set<RouteTag>();
  for (const { method, path } of [...input.routes].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))) {
    const key = `${method} ${path}`;
    const doc = input.docs[key];
    if (!doc) {
      missing.push(key);
      continue;
    }
    const [operationId, description, given] = doc;
    const tag: RouteTag = path.startsWith('/_sandbox/') ? 'sandbox' : (given ?? 'api');
    used.add(tag);
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    (paths[path] ??= {})[method.toLowerCase()] = {
      operationId,
      summary: description.split(/(?<=[.:;])\s/)[0]!.replace(/[.:;]$/, ''),
      description,
      tags: [tag],
      security: tag === 'api' ? [{ bearerAuth: [] }] : [],
      ...(parameters.length && { parameters }),
      responses: {
        '200': response('What the platform answers (the emulator’s README lists the shapes and their sources)'),
        '400': response('A request the platform refuses, in the platform’s own error shape'),
        default: response('Any other answer of the platform, or a fault injected through /_sandbox/faults'),
      },
    };
  }
  if (missing.length) throw new Error(`${input.platform} sandbox: no operationId for ${missing.join(', ')}`);
  return {
    openapi: '3.1.0',
    info: { title: `${input.platform} sandbox (Pinion)`, version: '1', description: input.description, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: input.serverUrl, description: `The ${input.platform} emulator` }],
    tags: (Object.keys(TAGS) as RouteTag[]).filter((t) => used.has(t)).map((name) => ({ name, description: TAGS[name] })),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: `An access token the ${input.platform} emulator issued through its OAuth flow` },
      },
    },
    paths,
  };
}

export interface Documented {
  /** As people write it: `Pinterest`. */
  platform: string;
  description: string;
  docs: RouteDocs;
  /** Where clients reach the emulator, mount included; default: the request's host and the mount. */
  baseUrl?: (request: FastifyRequest) => string;
  /** Routes Fastify does not see (an emulator that dispatches itself behind one wildcard route). */
  routes?: SandboxRoute[];
}

/**
 * Call first in an emulator's plugin: serves `GET /openapi.json` there, documenting every route registered
 * after it in that scope (or `routes`, when given).
 */
export function documentRoutes(instance: FastifyInstance, d: Documented): void {
  const seen = d.routes ? () => d.routes! : collectRoutes(instance);
  const prefix = instance.prefix;
  const self: RouteDocs = {
    'GET /openapi.json': [
      `get${d.platform.replace(/\W/g, '')}SandboxDocument`,
      `This document: the ${d.platform} emulator’s routes as an OpenAPI 3.1 document.`,
      'sandbox',
    ],
  };
  instance.get('/openapi.json', async (request) =>
    sandboxDocument({
      platform: d.platform,
      description: d.description,
      serverUrl: d.baseUrl ? d.baseUrl(request) : `${request.protocol}://${request.host}${prefix}`,
      routes: d.routes ? [...seen(), { method: 'GET', path: '/openapi.json' }] : seen(),
      docs: { ...self, ...d.docs },
    }),
  );
}
