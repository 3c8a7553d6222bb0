export { tiktok } from './connector.js';
export { TIKTOK, TIKTOK_FACTS } from './platform.js';
export { TikTokClient, tiktokChallenge, type CreatorInfo, type StatusData } from './client.js';
export { chunkPlan, chunkRange, type ChunkPlan } from './chunks.js';
export { tiktokPublisher, type TikTokProgress } from './publish.js';
export type { TikTokPayload } from './plan.js';
