import { describe, expect, it } from 'vitest';
import { chunkPlan, chunkRange } from '../../../src/connectors/tiktok/index.js';
import { chunkProblem } from '../../../src/sandbox/tiktok/index.js';

const MB = 1024 * 1024;

describe("TikTok's chunk rules for FILE_UPLOAD", () => {
  it('sends a file under 5 MB whole, as one chunk', () => {
    expect(chunkPlan(4 * MB)).toEqual({ video_size: 4 * MB, chunk_size: 4 * MB, total_chunk_count: 1 });
    expect(chunkRange(chunkPlan(1000), 0)).toEqual({ first: 0, last: 999, total: 1000 });
  });

  it('cuts larger files in 5 MB chunks, floor(size / chunk) of them, the last taking the remainder', () => {
    const plan = chunkPlan(16 * MB + 123);
    expect(plan).toEqual({ video_size: 16 * MB + 123, chunk_size: 5 * MB, total_chunk_count: 3 });
    expect([0, 1, 2].map((i) => chunkRange(plan, i))).toEqual([
      { first: 0, last: 5 * MB - 1, total: plan.video_size },
      { first: 5 * MB, last: 10 * MB - 1, total: plan.video_size },
      { first: 10 * MB, last: 16 * MB + 122, total: plan.video_size },
    ]);
    // 9 MB: floor(9 / 5) = 1 chunk, which is then the whole file.
    expect(chunkPlan(9 * MB).total_chunk_count).toBe(1);
    expect(chunkRange(chunkPlan(9 * MB), 0)).toEqual({ first: 0, last: 9 * MB - 1, total: 9 * MB });
  });

  it('grows the chunk for files that would need more than 1000 chunks, and stays within 64 MB / last ≤ 128 MB', () => {
    const size = 4 * 1024 * MB;
    const plan = chunkPlan(size);
    expect(plan.total_chunk_count).toBeLessThanOrEqual(1000);
    expect(plan.chunk_size).toBeLessThanOrEqual(64 * MB);
    const last = chunkRange(plan, plan.total_chunk_count - 1);
    expect(last.last).toBe(size - 1);
    expect(last.last - last.first + 1).toBeLessThanOrEqual(128 * MB);
  });

  it('makes only plans the emulator (which checks the documented rules) accepts', () => {
    for (const size of [1, 5 * MB - 1, 5 * MB, 5 * MB + 1, 10 * MB, 64 * MB + 7, 700 * MB, 4096 * MB]) {
      const plan = chunkPlan(size);
      expect(chunkProblem(plan.video_size, plan.chunk_size, plan.total_chunk_count), `size ${size}`).toBeUndefined();
    }
    expect(chunkProblem(12 * MB, 5 * MB, 3)).toMatch(/floor\(video_size \/ chunk_size\) = 2/);
    expect(chunkProblem(4 * MB, 1 * MB, 4)).toMatch(/under 5 MB must be uploaded whole/);
    expect(chunkProblem(200 * MB, 65 * MB, 3)).toMatch(/between 5 MB and 64 MB/);
  });
});
