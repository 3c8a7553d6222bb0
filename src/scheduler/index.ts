export { Worker, sleep, inParallel, type BackgroundPass } from './worker.js';
export { publishPass, type PublishPassOptions } from './publish-pass.js';
export { claimDeliveries, renewLease } from './claim.js';
export { reserveSlot, holdUntil, budgetCategory, type Budget } from './rate-budget.js';
export { retryDelayMs } from './backoff.js';
