import { TIKTOK } from './platform.js';

export interface ChunkPlan {
  video_size: number;
  chunk_size: number;
  total_chunk_count: number;
}

/**
 * How a file is cut for FILE_UPLOAD, by TikTok's media transfer rules: files under 5 MB go whole
 * as one chunk; otherwise chunks of `preferred` bytes (5–64 MB), as many as
 * floor(size / chunk_size), the last one taking the remainder (so it may reach 128 MB), never more
 * than 1000 chunks.
 */
export function chunkPlan(size: number, preferred: number = TIKTOK.chunks.preferred): ChunkPlan {
  const C = TIKTOK.chunks;
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`a video of ${size} bytes cannot be uploaded`);
  if (size < C.min) return { video_size: size, chunk_size: size, total_chunk_count: 1 };
  let chunk = Math.min(C.max, Math.max(C.min, preferred));
  if (Math.floor(size / chunk) > C.maxCount) chunk = Math.ceil(size / C.maxCount);
  if (chunk > C.max) throw new RangeError(`a video of ${size} bytes needs more than ${C.maxCount} chunks of at most ${C.max} bytes`);
  const total = Math.floor(size / chunk);
  return { video_size: size, chunk_size: chunk, total_chunk_count: total };
}

/** Byte range of chunk `index` (0-based), inclusive, as Content-Range writes it. */
export function chunkRange(plan: ChunkPlan, index: number): { first: number; last: number; total: number } {
  const first = index * plan.chunk_size;
  const last = index === plan.total_chunk_count - 1 ? plan.video_size - 1 : first + plan.chunk_size - 1;
  return { first, last, total: plan.video_size };
}
