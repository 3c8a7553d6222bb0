import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';

describe('YouTube quota settings', () => {
  it('default to 10,000 units a day with videos.insert at 1,600, and change by file or environment', () => {
    expect(loadConfig({ env: {} }).platforms.youtube!.quota).toEqual({
      unitsPerDay: 10_000,
      costs: { videosInsert: 1600, thumbnailsSet: 50, videosDelete: 50, list: 1 },
    });
    const file = join(mkdtempSync(join(tmpdir(), 'pinion-yt-config-')), 'pinion.config.json');
    writeFileSync(file, JSON.stringify({ platforms: { youtube: { quota: { unitsPerDay: 20_000, costs: { videosInsert: 0 } } } } }));
    expect(loadConfig({ env: {}, file }).platforms.youtube!.quota).toEqual({
      unitsPerDay: 20_000,
      costs: { videosInsert: 0, thumbnailsSet: 50, videosDelete: 50, list: 1 },
    });
    expect(loadConfig({ env: { PINION_YOUTUBE_QUOTA_UNITS_PER_DAY: '500' } }).platforms.youtube!.quota!.unitsPerDay).toBe(500);
  });

  it('refuses an unknown cost or a negative allowance, naming the setting', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pinion-yt-config-')), 'pinion.config.json');
    writeFileSync(file, JSON.stringify({ platforms: { youtube: { quota: { unitsPerDay: -1, costs: { searchList: 100 } } } } }));
    expect(() => loadConfig({ env: {}, file })).toThrow(/platforms\.youtube\.quota/);
    // Platforms that count no units have no quota setting.
    expect(loadConfig({ env: {} }).platforms.pinterest).not.toHaveProperty('quota');
  });
});
