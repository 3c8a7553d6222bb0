export { publishPass, type PublishPassOptions } from './publish-pass.js';
export { claimDeliveries, renewLease } from './claim.js';
export { queueStats, type QueueStats } from './queue-stats.js';
