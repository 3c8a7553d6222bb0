import type { Faults } from './faults.js';
import type { Req } from './graph-http.js';
import type { World } from './world.js';

export type Mount = 'facebook' | 'instagram' | 'threads';

export interface ResolvedOptions {
  mount: Mount;
  apps: Array<{ clientId: string; clientSecret: string }>;
  /** How long a container stays IN_PROGRESS (ms): images, and videos/carousels. */
  imageProcessingMs: number;
  videoProcessingMs: number;
  containerTtlSeconds: number;
  instagramQuota: number;
  threadsQuota: number;
  threadsReplyQuota: number;
  shortLivedSeconds: number;
  longLivedSeconds: number;
  refreshMinAgeSeconds: number;
  codeTtlSeconds: number;
  mediaFetchTimeoutMs: number;
  /** Hosts media may be fetched from though private (this machine's servers); read at each fetch. Meta fetches from the internet only. */
  fetchAllowHosts: () => readonly string[];
  /** Feed posts per Page allowed in `pagePostWindowSeconds` before code 32 (0: no limit). */
  pagePostLimit: number;
  pagePostWindowSeconds: number;
  /** Usage the headers report (percent); default: calls in the last hour against `appCallsPerHour`. */
  usage: { app?: number; buc?: number; regainMinutes?: number };
  appCallsPerHour: number;
  /** Refuse parameters a node's spec does not list (default true). */
  strictParams: boolean;
  now: () => number;
}

export interface Ctx {
  world: World;
  o: ResolvedOptions;
  faults: Faults;
  now(): number;
}

export type Handler = (req: Req, ctx: Ctx, m: Record<string, string>) => Promise<unknown> | unknown;
export interface Route {
  method: string;
  /** As written, `/:id/media`: what the OpenAPI document lists. */
  path: string;
  pattern: RegExp;
  keys: string[];
  handle: Handler;
}

/** `/:id/media` → a route matching `/<digits or id>/media`. */
export function route(method: string, path: string, handle: Handler): Route {
  const keys: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, k: string) => (keys.push(k), '([^/]+)'))}/?$`);
  return { method, path, pattern, keys, handle };
}
