export { publishPass, type PublishPassOptions } from './publish-pass.js';
export {
  TRANSITIONS,
  IllegalTransition,
  DeliveryBusy,
  insertDeliveries,
  replaceWaitingDeliveries,
  cancelWaitingDeliveries,
  retryFailedDelivery,
  recordUnpublished,
  setAsideForMedia,
  MEDIA_PROBLEM,
  type DeliveryRow,
  type DeliveryStatus,
} from './delivery-state.js';
export { claimDeliveries, renewLease } from './delivery-claims.js';
export { refreshPostStatus, markPostsPublishing } from './post-status.js';
export type { DeliveryOutcome, OutcomeListener, Duplicate } from './outcome.js';
export { queueStats, type QueueStats } from './queue-stats.js';
