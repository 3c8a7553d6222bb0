export { PostRequestSchema, UtmSchema, type PostRequest, type PlatformOptions } from './request.js';
export { planPost, type PostPlan, type PlannedDelivery, type UrlCheck } from './plan.js';
export { convertPostMedia } from './auto-convert.js';
export { createPost, createPosts, getPost, listPosts, updatePost, cancelPost, PostConflict, type Post, type DeliveryRow, type PostFilter, type NewPost } from './posts.js';
export { resolveScheduledAt } from './schedule-time.js';
export { utmFor, withUtm } from './utm.js';
export { parsePostsCsv, columnOf, CSV_COLUMNS, type CsvRow, type CsvIssue } from './csv.js';
export { preparePost, memoised, type PostDeps } from './schedule.js';
