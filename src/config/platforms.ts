import type { PlatformConfig } from '../connectors/index.js';
import type { Budget } from '../budgets/index.js';
import type { Config } from './schema.js';

/** One platform's settings; every connector in the registry has an entry (defaults included). */
export function platformConfig(config: Config, id: string): PlatformConfig {
  const settings = (config.platforms as Record<string, PlatformConfig | undefined>)[id];
  if (!settings) throw new Error(`No settings for platform "${id}"`);
  return settings;
}

/** A platform's write budget per account, as the rate budgets count it. */
export function budgetOf(config: Config, id: string): Budget {
  const b = platformConfig(config, id).writeBudget;
  return { limit: b.limit, windowMs: b.windowSeconds * 1000, perDay: b.perDay };
}
