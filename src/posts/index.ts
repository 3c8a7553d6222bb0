export { PostRequestSchema, type PostRequest, type PinterestOptions } from './request.js';
export { planPost, type PostPlan, type PlannedDelivery } from './plan.js';
export { createPost, createPosts, getPost, listPosts, updatePost, cancelPost, PostConflict, type Post, type DeliveryRow, type PostFilter, type NewPost } from './posts.js';
export { resolveScheduledAt } from './schedule-time.js';
export { utmFor, withUtm } from './utm.js';
export { parsePostsCsv, columnOf, type CsvRow, type CsvIssue } from './csv.js';
