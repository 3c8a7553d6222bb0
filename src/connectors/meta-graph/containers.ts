import type { Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';

/** A container's state as Instagram (`status_code`, `status`) and Threads (`status`, `error_message`) report it. */
export interface ContainerStatus {
  id?: string;
  status_code?: string;
  status?: string;
  error_message?: string;
}

export type ContainerState = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';

const STATES = new Set<string>(['IN_PROGRESS', 'FINISHED', 'PUBLISHED', 'ERROR', 'EXPIRED']);

/** The state, whichever field carries it: Instagram's `status_code`, or Threads' `status`. */
export function stateOf(s: ContainerStatus): ContainerState {
  const v = s.status_code ?? s.status ?? 'IN_PROGRESS';
  return (STATES.has(v) ? v : 'IN_PROGRESS') as ContainerState;
}

/** What Meta said about a failed container: Instagram's `status` text, or Threads' `error_message`. */
export const whyFailed = (s: ContainerStatus) => [s.status_code ? s.status : undefined, s.error_message].filter(Boolean).join('; ') || 'no reason given';

export interface PollOptions {
  clock: Clock;
  /** First wait before asking again; doubles up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** How long one attempt waits in all; then it ends retryable and the next attempt polls the same container. */
  maxWaitMs?: number;
}

/**
 * Asks for a container's state with backoff until it is no longer IN_PROGRESS. ERROR and EXPIRED
 * are returned (the caller knows whether an expired container is its own to replace); a container
 * still processing after `maxWaitMs` ends the attempt retryably, so the scheduler's backoff takes
 * over and nothing is created twice (the container id is saved).
 */
export async function pollContainer(
  read: () => Promise<ContainerStatus>,
  platform: string,
  opts: PollOptions,
): Promise<{ state: ContainerState; status: ContainerStatus }> {
  const start = opts.clock.now();
  let delay = opts.firstDelayMs ?? 250;
  for (;;) {
    const status = await read();
    const state = stateOf(status);
    if (state !== 'IN_PROGRESS') return { state, status };
    if (opts.clock.now() - start + delay > (opts.maxWaitMs ?? 5 * 60_000)) {
      throw new ConnectorError(
        'retryable',
        `${platform}: the media container ${status.id ?? ''} is still being processed; Pinion will look again`.replace('  ', ' '),
      );
    }
    await opts.clock.sleep(delay);
    delay = Math.min(delay * 2, opts.maxDelayMs ?? 30_000);
  }
}

/** A failed container as the delivery's error: Meta's own words. */
export function containerFailed(platform: string, state: ContainerState, status: ContainerStatus): ConnectorError {
  return new ConnectorError('rejected', `${platform} could not process the media (container ${state}): ${whyFailed(status)}`);
}
