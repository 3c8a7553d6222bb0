import { readFileSync } from 'node:fs';

/** The vendored Discovery document (specs/youtube, see SOURCE.md there). */
export function readDiscovery(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../../../specs/youtube/youtube.v3.discovery.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}
