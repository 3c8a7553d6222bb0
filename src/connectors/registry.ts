import type { Connector } from './contract.js';
import * as platforms from './platforms.js';

/**
 * Every platform Pinion can publish to, one line each in platforms.ts; nothing outside
 * connectors/ and sandbox/ names a platform.
 */
export const CONNECTORS: readonly Connector[] = Object.values(platforms);

/** The platforms of the unified API, built or not: a request naming one not built yet gets a clear answer, not "unknown". */
export const ANNOUNCED_PLATFORMS = ['pinterest', 'instagram', 'facebook', 'linkedin', 'x', 'tiktok', 'threads', 'youtube'] as const;

const byId = new Map(CONNECTORS.map((c) => [c.facts.id, c]));

export const PLATFORM_IDS: readonly string[] = CONNECTORS.map((c) => c.facts.id);

export function findConnector(id: string): Connector | undefined {
  return byId.get(id);
}

/** The connector of a platform Pinion has; throws for an id that is not one (a bug or a stale row). */
export function connectorFor(id: string): Connector {
  const c = byId.get(id);
  if (!c) throw new Error(`No connector for platform "${id}" (known: ${PLATFORM_IDS.join(', ')})`);
  return c;
}

/** Why a platform name cannot be used, in words that say what to do; undefined when it can. */
export function platformProblem(id: string): string | undefined {
  if (byId.has(id)) return undefined;
  if ((ANNOUNCED_PLATFORMS as readonly string[]).includes(id)) {
    return `"${id}" is not available in this version of Pinion yet (available: ${PLATFORM_IDS.join(', ')}); remove it from platforms`;
  }
  return `is not a platform Pinion knows (known: ${PLATFORM_IDS.join(', ')})`;
}
