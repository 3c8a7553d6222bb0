import { PLATFORM_IDS } from '../../connectors/index.js';

/**
 * The one place the compatibility API names platforms: PostEverywhere's names that differ from
 * Pinion's connector ids. Every other name is the same on both sides and is checked against the
 * registry, so a platform added to Pinion is reachable here without a change.
 */
const ALIASES: Readonly<Record<string, string>> = { twitter: 'x' };

/** The Pinion platform id for a PostEverywhere platform name, or undefined when Pinion has no such platform. */
export function pinionPlatform(name: string): string | undefined {
  const id = ALIASES[name.toLowerCase()] ?? name.toLowerCase();
  return PLATFORM_IDS.includes(id) ? id : undefined;
}

/** The names a caller may use. */
export const knownPlatformNames = (): string[] => [...PLATFORM_IDS, ...Object.keys(ALIASES)];
