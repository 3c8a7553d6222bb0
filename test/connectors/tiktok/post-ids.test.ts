import { describe, expect, it } from 'vitest';
import { quoteBigIds } from '../../../src/connectors/tiktok/http.js';

describe("TikTok's post ids", () => {
  it('are read exactly even when TikTok sends them as 19-digit JSON numbers', () => {
    const raw =
      '{"data":{"status":"PUBLISH_COMPLETE","publicaly_available_post_id":[7345678901234567891, 7345678901234567892],"uploaded_bytes":1024},"error":{"code":"ok"}}';
    const parsed = JSON.parse(quoteBigIds(raw)) as { data: { publicaly_available_post_id: string[]; uploaded_bytes: number } };
    expect(parsed.data.publicaly_available_post_id).toEqual(['7345678901234567891', '7345678901234567892']);
    expect(parsed.data.uploaded_bytes).toBe(1024);
    expect(quoteBigIds('{"publicaly_available_post_id":["7345678901234567891"]}')).toBe('{"publicaly_available_post_id":["7345678901234567891"]}');
  });
});
