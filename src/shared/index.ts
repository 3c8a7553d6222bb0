export { type Clock, systemClock, sleep, ManualClock } from './clock.js';
export { inParallel } from './pool.js';
export { retryDelayMs } from './backoff.js';
export { seededRandom } from './random.js';
export { ownerId } from './owner.js';
export type { FieldIssue } from './field-issue.js';
export { Worker, type BackgroundPass } from './background.js';
export { closestNames } from './closest.js';
export { searchTextOf } from './search-text.js';
