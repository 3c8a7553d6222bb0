export { PostRequestSchema, UtmSchema, type PostRequest, type PlatformOptions } from './request.js';
export { planPost, checkPostMedia, postMediaUrls, type PostPlan, type PlannedDelivery, type UrlCheck, type MediaProblem } from './plan.js';
export { mediaPreflightPass, mediaGate, judgeMedia, type MediaUrlCheck } from './media-preflight.js';
export { convertPostMedia } from './auto-convert.js';
export { createPost, createPosts, getPost, updatePost, cancelPost, PostConflict, type Post, type DeliveryRow, type NewPost } from './posts.js';
export {
  listPosts,
  encodePostCursor,
  decodePostCursor,
  POST_SORTS,
  type PostFilter,
  type PostSort,
  type SortOrder,
  type PostCursor,
  type TimeRange,
} from './list.js';
export { NotFound, InvalidRequest, StateConflict, type PostsCaller } from './errors.js';
export { retryPost, retryFailedPosts, type RetryOptions, type RetryFailedFilter } from './retry.js';
export { deletePost, type DeliveryDeletion, type DeletionResult } from './delete.js';
export {
  createCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
  deleteCampaign,
  moveToCampaign,
  CampaignInputSchema,
  type Campaign,
  type CampaignInput,
} from './campaigns.js';
export { resolveScheduledAt } from './schedule-time.js';
export { utmFor, withUtm } from './utm.js';
export { parsePostsCsv, columnOf, CSV_COLUMNS, type CsvRow, type CsvIssue } from './csv.js';
export { preparePost, memoised, type PostDeps } from './schedule.js';
export { checkQueue, getQueue, setQueue, upcomingSlots, nextFreeSlot, slotTimes, WEEKDAYS, type QueueSlots, type Weekday } from './slots.js';
export { planSeason, EVENTS, DEFAULT_LEAD_DAYS, type SeasonPlan, type SeasonRequest } from './season.js';
export type { LinkCheck } from './advice.js';
export { spreadPosts, SpreadSchema, type Spread } from './spread.js';
export { linkPreflightPass, postLinks, type LinkVerdict } from './link-preflight.js';
export { findDuplicatesMany } from './duplicates.js';
