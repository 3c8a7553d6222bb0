import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTORS } from '../../src/connectors/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';

interface PlatformJson {
  id: string;
  name: string;
  capabilities: Record<string, unknown>;
  boards: { board_option: string; section_option: string | null; by_name_options: string[] } | null;
  options_schema: { type: string; properties: Record<string, unknown> };
}

describe('GET /api/v1/platforms', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('lists every platform of the registry with its options schema, and board options only where it has boards', async () => {
    p = await startTestPinion();
    const res = await p.api('GET', '/api/v1/platforms');
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: PlatformJson[] };
    expect(data.map((x) => x.id)).toEqual(CONNECTORS.map((c) => c.facts.id));
    for (const platform of data) {
      const connector = CONNECTORS.find((c) => c.facts.id === platform.id)!;
      expect(platform.name).toBe(connector.facts.name);
      expect(platform.options_schema.type).toBe('object');
      expect(Object.keys(platform.options_schema.properties)).toEqual(Object.keys(connector.options.properties));
      expect(platform.boards !== null).toBe(connector.facts.capabilities.boards);
      // The options a board picker fills are options the platform takes.
      if (platform.boards) expect(platform.options_schema.properties).toHaveProperty(platform.boards.board_option);
    }
  });

  it('needs an API key like the rest of the API', async () => {
    p = await startTestPinion();
    expect((await p.api('GET', '/api/v1/platforms', { key: null })).status).toBe(401);
  });
});
