import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/index.js';
import { png, startSandbox, userClient } from './support.js';

describe('a write committed late after its answer was lost (commitDelayMs)', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('drops the answer at once and makes the pin when the clock reaches the delay, dated then', async () => {
    const clock = new ManualClock(Date.UTC(2031, 4, 1, 12));
    sandbox = await startSandbox({ clock, faults: { dropAfterCommitRate: 1, commitDelayMs: 65_000, only: ['POST /v5/pins'] } });
    const { client, user } = userClient(sandbox.sandbox, sandbox.url);
    const board = (await client.call('POST', '/v5/boards', { name: 'B' })).body;
    const media_source = { source_type: 'image_base64', content_type: 'image/png', data: (await png(120, 120)).toString('base64') };
    await expect(client.call('POST', '/v5/pins', { board_id: board.id, title: 'late', media_source })).rejects.toThrow();
    expect(sandbox.sandbox.state.pinsOf(user.id)).toEqual([]);
    await clock.advance(64_000);
    expect(sandbox.sandbox.state.pinsOf(user.id)).toEqual([]);
    await clock.advance(1000);
    for (let i = 0; i < 50 && !sandbox.sandbox.state.pinsOf(user.id).length; i++) await new Promise((r) => setTimeout(r, 10));
    const [pin] = sandbox.sandbox.state.pinsOf(user.id);
    expect(pin).toMatchObject({ title: 'late', createdAt: new Date(Date.UTC(2031, 4, 1, 12, 1, 5)) });
    expect(() => sandbox!.sandbox.setFaults({ commitDelayMs: -1 })).toThrow(RangeError);
  });

  it('lists pins oldest first when told to', async () => {
    sandbox = await startSandbox({ listOrder: 'oldest_first' });
    const { client } = userClient(sandbox.sandbox, sandbox.url);
    const board = (await client.call('POST', '/v5/boards', { name: 'B' })).body;
    const media_source = { source_type: 'image_base64', content_type: 'image/png', data: (await png(120, 120)).toString('base64') };
    for (const title of ['a', 'b', 'c']) await client.call('POST', '/v5/pins', { board_id: board.id, title, media_source });
    const first = await client.call('GET', `/v5/boards/${board.id}/pins?page_size=2`);
    const second = await client.call('GET', `/v5/boards/${board.id}/pins?page_size=2&bookmark=${first.body.bookmark}`);
    expect([...first.body.items, ...second.body.items].map((p: { title: string }) => p.title)).toEqual(['a', 'b', 'c']);
  });
});
