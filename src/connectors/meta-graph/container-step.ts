import type { Clock } from '../../shared/index.js';
import { ConnectorError } from '../errors.js';
import { containerFailed, pollContainer, stateOf, type ContainerStatus, type PollOptions } from './containers.js';

/**
 * One container on its way to a post, as saved in a delivery's progress: its id once made, and
 * `since` once its publish call has begun (from then on the post may exist).
 */
export interface ContainerProgress {
  container?: string;
  since?: number;
}

export interface ContainerCalls {
  platform: string;
  clock: Clock;
  poll?: Omit<PollOptions, 'clock'>;
  create(): Promise<string>;
  status(containerId: string): Promise<ContainerStatus>;
  /** The publish call (`media_publish`, `threads_publish`): returns the new media id. */
  publish(containerId: string): Promise<string>;
  /** The media a published container became, looked for among the account's recent media. */
  find(since: number): Promise<string | undefined>;
}

/**
 * Container → wait until processed → publish, resumable at every step: a saved container is
 * polled instead of made again, and one found PUBLISHED (an earlier attempt's answer was lost)
 * is looked up instead of published twice. ERROR and EXPIRED fail with Meta's reason.
 */
export async function publishContainer(calls: ContainerCalls, step: ContainerProgress, save: (step: ContainerProgress) => Promise<void>): Promise<string> {
  let container = step.container;
  if (!container) {
    container = await calls.create();
    await save({ container });
  }
  const id = container;
  const { state, status } = await pollContainer(() => calls.status(id), calls.platform, { clock: calls.clock, ...calls.poll });
  if (state === 'PUBLISHED') return adopt(calls, step.since ?? calls.clock.now());
  if (state !== 'FINISHED') throw containerFailed(calls.platform, state, status);
  await save({ container, since: calls.clock.now() });
  return calls.publish(container);
}

/**
 * After a lost answer: the media the saved container became, or undefined when its publish
 * never happened (no publish begun, or the container is not PUBLISHED), so publishing may go on.
 */
export async function publishedFrom(calls: ContainerCalls, step: ContainerProgress): Promise<string | undefined> {
  if (!step.container || step.since === undefined) return undefined;
  const status = await calls.status(step.container);
  if (stateOf(status) !== 'PUBLISHED') return undefined;
  return adopt(calls, step.since);
}

async function adopt(calls: ContainerCalls, since: number): Promise<string> {
  const found = await calls.find(since);
  // Meta says it is published; its media list has not caught up: look again later, never publish again.
  if (!found) throw new ConnectorError('retryable', `${calls.platform}: the container was published, but the new post is not listed yet`);
  return found;
}
