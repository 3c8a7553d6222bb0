import { DateTime } from 'luxon';
import type { FaultInjector, HeldConnections } from '../common/index.js';
import type { Clock } from '../../shared/clock.js';
import type { ProcessingOutcome, YouTubeState } from './state.js';

/** Units per call (determine_quota_cost); insert is the stricter of the two documented readings. */
export const DEFAULT_COSTS = {
  'videos.insert': 1600,
  'videos.list': 1,
  'videos.delete': 50,
  'channels.list': 1,
  'playlistItems.list': 1,
  'thumbnails.set': 50,
} as const;
export type QuotaOperation = keyof typeof DEFAULT_COSTS;

export interface ResolvedOptions {
  accessTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  unitsPerDay: number;
  costs: Record<QuotaOperation, number>;
  processingMs: number;
  processing: ProcessingOutcome;
  finishedSessionAnswers: 'video' | 'not_found';
  sessionTtlSeconds: number;
  enforceChunkMultiple: boolean;
  uploadsOrder: 'newest_first' | 'oldest_first';
  playlistLagMs: number;
  checkContainer: boolean;
}

export interface YouTubeContext {
  state: YouTubeState;
  options: ResolvedOptions;
  clock: Clock;
  faults: FaultInjector;
  held: HeldConnections;
}

/** Google's quota day: the calendar date in Pacific time ("Daily quotas reset at midnight Pacific Time"). */
export const pacificDay = (at: number) => DateTime.fromMillis(at, { zone: 'America/Los_Angeles' }).toISODate()!;
