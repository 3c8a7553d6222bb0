import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { png, startSandbox, userClient } from './support.js';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let media_source: { source_type: string; content_type: string; data: string };

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: { org_write: { limit: 3, windowSeconds: 60 } } });
  media_source = { source_type: 'image_base64', content_type: 'image/png', data: (await png(120, 120)).toString('base64') };
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.sandbox.reset());

async function userWithBoard() {
  const { client, user } = userClient(sandbox.sandbox, sandbox.url);
  const board = (await client.call('POST', '/v5/boards', { name: 'B' })).body;
  return { client, user, board };
}

describe('rate limits', () => {
  it('answers 429 code 8 once a user spends the org_write budget, with x-ratelimit headers', async () => {
    const { client, board } = await userWithBoard();
    const second = await client.call('POST', '/v5/pins', { board_id: board.id, media_source });
    // Production's structured list: the first item, Remaining and Reset describe the per-second window.
    expect(second.headers.get('x-ratelimit-limit')).toBe('100, 100;w=1, 3;w=60');
    expect(Number(second.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(90);
    expect(second.headers.get('x-ratelimit-reset')).toBe('1');
    await client.call('POST', '/v5/pins', { board_id: board.id, media_source });
    const limited = await client.call('POST', '/v5/pins', { board_id: board.id, media_source });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(8);
    // The per-minute window ran out, yet the headers still describe the per-second one, which has room: reset 1 s.
    expect(limited.headers.get('x-ratelimit-reset')).toBe('1');
    expect(Number(limited.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    // Reads are a separate category, and other users have their own budget.
    expect((await client.call('GET', '/v5/boards')).status).toBe(200);
    const other = await userWithBoard();
    expect((await other.client.call('POST', '/v5/pins', { board_id: other.board.id, media_source })).status).toBe(201);
  });
});

describe('rate-limit header readings', () => {
  it("'nearest' puts the window nearest exhaustion first, 'plain' sends the category window alone", async () => {
    for (const [style, limit] of [
      ['nearest', '3, 100;w=1, 3;w=60'],
      ['plain', '3'],
    ] as const) {
      const other = await startSandbox({ rateLimits: { org_write: { limit: 3, windowSeconds: 60 } }, rateLimitHeaders: style });
      try {
        const { client } = userClient(other.sandbox, other.url);
        const board = (await client.call('POST', '/v5/boards', { name: 'B' })).body;
        // The board and two pins spend the 3 writes a minute.
        for (let i = 0; i < 2; i++) expect((await client.call('POST', '/v5/pins', { board_id: board.id, media_source })).status).toBe(201);
        const limited = await client.call('POST', '/v5/pins', { board_id: board.id, media_source });
        expect(limited.status).toBe(429);
        expect(limited.headers.get('x-ratelimit-limit')).toBe(limit);
        expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(50);
      } finally {
        await other.close();
      }
    }
  });

  it('refuses calls past the per-second window with reset 1 and remaining 0, and no headers when asked', async () => {
    const other = await startSandbox({ perSecondLimit: { limit: 2, windowSeconds: 1 }, rateLimitHeaders: false });
    try {
      const { client } = userClient(other.sandbox, other.url);
      expect((await client.call('GET', '/v5/boards')).status).toBe(200);
      expect((await client.call('GET', '/v5/boards')).status).toBe(200);
      const limited = await client.call('GET', '/v5/boards');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ratelimit-limit')).toBeNull();
    } finally {
      await other.close();
    }
    const shown = await startSandbox({ perSecondLimit: { limit: 1, windowSeconds: 1 } });
    try {
      const { client } = userClient(shown.sandbox, shown.url);
      await client.call('GET', '/v5/boards');
      const limited = await client.call('GET', '/v5/boards');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('x-ratelimit-limit')).toBe('1, 1;w=1, 1000;w=60');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('x-ratelimit-reset')).toBe('1');
    } finally {
      await shown.close();
    }
  });
});

describe('fault injection', () => {
  it('blocks writes as spam with 429 code 9, before any side effect', async () => {
    const { client, board, user } = await userWithBoard();
    sandbox.sandbox.setFaults({ spamBlockRate: 1 });
    const blocked = await client.call('POST', '/v5/pins', { board_id: board.id, media_source });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({ code: 9, message: expect.stringMatching(/spam/) });
    expect(sandbox.sandbox.state.pinsOf(user.id)).toHaveLength(0);
    // Reads are not writes: they go through.
    expect((await client.call('GET', '/v5/boards')).status).toBe(200);
  });

  it('answers 5xx without side effects', async () => {
    const { client, board, user } = await userWithBoard();
    sandbox.sandbox.setFaults({ errorRate: 1, only: ['POST /v5/pins'] });
    const failed = await client.call('POST', '/v5/pins', { board_id: board.id, media_source });
    expect([500, 503]).toContain(failed.status);
    expect(failed.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
    expect(sandbox.sandbox.state.pinsOf(user.id)).toHaveLength(0);
    expect(sandbox.sandbox.state.createPinCalls(user.id)).toBe(1);
    expect((await client.call('GET', '/v5/boards')).status).toBe(200);
  });

  it('commits then drops the connection: the client errors yet the pin exists and the call is counted', async () => {
    const { client, board, user } = await userWithBoard();
    sandbox.sandbox.setFaults({ dropAfterCommitRate: 1, only: ['POST /v5/pins'] });
    await expect(client.call('POST', '/v5/pins', { board_id: board.id, title: 'ghost', media_source })).rejects.toThrow();

    const pins = (await (await fetch(`${sandbox.url}/_sandbox/pins?user_id=${user.id}`)).json()) as { items: Array<{ title: string }> };
    expect(pins.items.map((p) => p.title)).toEqual(['ghost']);
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as any;
    expect(stats.users[user.id].create_pin_calls).toBe(1);
    expect(stats.operations['POST /v5/pins']).toBe(1);
    // The reconciler's view: the board's newest pin is the one the client never heard about.
    sandbox.sandbox.setFaults({});
    const listed = await client.call('GET', `/v5/boards/${board.id}/pins`);
    expect(listed.body.items[0].title).toBe('ghost');
  });

  it('adds latency', async () => {
    const { client } = await userWithBoard();
    sandbox.sandbox.setFaults({ latencyMs: 250 });
    const started = Date.now();
    expect((await client.call('GET', '/v5/boards')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('never answers a timed-out request, so the client gives up, and nothing is created', async () => {
    const { client, board, user } = await userWithBoard();
    sandbox.sandbox.setFaults({ timeoutRate: 1, only: ['POST /v5/pins'] });
    const started = Date.now();
    await expect(client.call('POST', '/v5/pins', { board_id: board.id, media_source }, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(sandbox.sandbox.state.pinsOf(user.id)).toHaveLength(0);
  });

  it('is reproducible with a seed and configurable over HTTP', async () => {
    const { client } = await userWithBoard();
    const put = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.5, seed: 42 }),
    });
    expect(put.status).toBe(200);
    const run = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await client.call('GET', '/v5/boards')).status);
      return statuses;
    };
    const first = await run();
    await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.5, seed: 42 }),
    });
    expect(await run()).toEqual(first);
    expect(first.some((s) => s >= 500)).toBe(true);
    expect(first.some((s) => s === 200)).toBe(true);
    const bad = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 2 }),
    });
    expect(bad.status).toBe(400);
  });
});

describe('inspection API', () => {
  it('creates users with tokens, lists pins and boards, counts calls and resets', async () => {
    const created = await fetch(`${sandbox.url}/_sandbox/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bob', scopes: ['boards:read', 'boards:write', 'pins:read', 'pins:write'] }),
    });
    expect(created.status).toBe(201);
    const bob = (await created.json()) as { id: string; username: string; tokens: { access_token: string } };
    expect(bob.username).toBe('bob');
    const headers = { authorization: `Bearer ${bob.tokens.access_token}`, 'content-type': 'application/json' };
    const board = (await (await fetch(`${sandbox.url}/v5/boards`, { method: 'POST', headers, body: JSON.stringify({ name: 'Bob board' }) })).json()) as {
      id: string;
    };
    await fetch(`${sandbox.url}/v5/pins`, { method: 'POST', headers, body: JSON.stringify({ board_id: board.id, media_source }) });

    const boards = (await (await fetch(`${sandbox.url}/_sandbox/boards`)).json()) as { items: unknown[] };
    expect(boards.items).toEqual([{ id: board.id, user_id: bob.id, name: 'Bob board', privacy: 'PUBLIC' }]);
    const stats = (await (await fetch(`${sandbox.url}/_sandbox/stats`)).json()) as any;
    expect(stats.users[bob.id]).toMatchObject({ username: 'bob', create_pin_calls: 1, pins: 1 });
    expect(stats.users[bob.id].operations['POST /v5/boards']).toBe(1);
    expect(sandbox.sandbox.stats().operations['POST /v5/pins']).toBe(1);

    expect((await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(((await (await fetch(`${sandbox.url}/_sandbox/pins`)).json()) as { items: unknown[] }).items).toEqual([]);
    expect(sandbox.sandbox.state.users.size).toBe(0);
  });
});
