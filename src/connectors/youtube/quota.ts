import { ConnectorError } from '../errors.js';
import type { DailyUnits } from '../types.js';
import { nextQuotaReset, quotaDay, YOUTUBE_FACTS } from './platform.js';

export interface QuotaSettings {
  unitsPerDay: number;
  costs: Record<string, number>;
}

/**
 * The Google project's daily units, shared by every account and worker (kept in the database by
 * `DailyUnits`). Each call's cost is taken before the call; when the day's units would run out,
 * the publish waits for midnight Pacific, with the reason and the time in its error.
 */
export class ProjectQuota {
  private readonly bucket: string;

  constructor(
    clientId: string,
    private readonly settings: QuotaSettings,
    private readonly now: () => number,
  ) {
    // One bucket per Google project; Pinion knows the project by its OAuth client id.
    this.bucket = `${YOUTUBE_FACTS.id}:${clientId}`;
  }

  /** `videos.insert` costs `costs.videosInsert`; every list call costs `costs.list`. */
  cost(operation: string): number {
    const key = operation.endsWith('.list') ? 'list' : operation.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
    return this.settings.costs[key] ?? YOUTUBE_FACTS.quota!.costs[key] ?? 1;
  }

  /** Takes the cost of `operation` from today's units, or throws rate_limited until the next Pacific midnight. */
  async spend(units: DailyUnits | undefined, operation: string): Promise<void> {
    if (!units) return;
    const cost = this.cost(operation);
    if (cost === 0) return;
    const at = this.now();
    const day = quotaDay(at);
    const taken = await units.take(this.bucket, day, cost, this.settings.unitsPerDay);
    if (taken.ok) return;
    const reset = nextQuotaReset(at);
    throw new ConnectorError(
      'rate_limited',
      `YouTube quota of this Google project is used up for ${day} (Pacific time): ${taken.used} of ${this.settings.unitsPerDay} units used, ${operation} costs ${cost}; ` +
        `waiting for the reset at midnight Pacific (${new Date(reset).toISOString()})`,
      { retryAt: new Date(reset), operation },
    );
  }

  /** YouTube answered quotaExceeded (the project's units were spent elsewhere too): nobody spends more today. */
  async exhausted(units: DailyUnits | undefined, err: unknown): Promise<void> {
    if (!units || !(err instanceof ConnectorError) || err.kind !== 'rate_limited' || !/quotaExceeded|dailyLimitExceeded/.test(err.message)) return;
    await units.exhaust(this.bucket, quotaDay(this.now()), this.settings.unitsPerDay);
  }
}
