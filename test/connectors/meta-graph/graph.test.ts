import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/index.js';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { checkQuota, classifyGraphError, graphTime, pickMatch, pollContainer, splitChain, threadsLength } from '../../../src/connectors/meta-graph/index.js';

const ctx = (over: Partial<Parameters<typeof classifyGraphError>[2]> = {}) => ({
  operation: 'POST /{id}/feed',
  say: (m: string) => m,
  makes: false,
  oauth: false,
  now: 0,
  ...over,
});

describe("Meta's Graph errors, classified once", () => {
  it.each([
    [400, 190, 463, {}, 'auth_expired'],
    [400, 190, 460, {}, 'auth_expired'],
    [400, 102, undefined, {}, 'auth_expired'],
    [400, 4, undefined, {}, 'rate_limited'],
    [400, 17, undefined, {}, 'rate_limited'],
    [400, 32, undefined, {}, 'rate_limited'],
    [400, 613, undefined, {}, 'rate_limited'],
    [400, 80002, undefined, {}, 'rate_limited'],
    [400, 9, 2207042, {}, 'rate_limited'],
    [400, 368, undefined, {}, 'rejected'],
    [400, 506, undefined, {}, 'rejected'],
    [400, 100, 33, {}, 'not_found'],
    [400, 100, undefined, {}, 'rejected'],
    [500, 1, undefined, {}, 'retryable'],
    [500, 1, undefined, { makes: true }, 'unknown_outcome'],
    [400, 2, undefined, { makes: true }, 'unknown_outcome'],
    [503, 2, undefined, { makes: true }, 'retryable'],
    [400, 101, undefined, { oauth: true }, 'misconfigured'],
    [400, 1, undefined, { oauth: true }, 'retryable'],
  ] as const)('HTTP %i code %i subcode %s %o → %s', (status, code, subcode, over, kind) => {
    const message = code === 101 ? 'Error validating application. Invalid application ID.' : 'something';
    expect(classifyGraphError(status, { message, code, subcode }, ctx(over)).kind).toBe(kind);
  });

  it("says Meta's client-secret refusal is Pinion's misconfiguration, not the account's", () => {
    expect(classifyGraphError(400, { message: 'Error validating client secret.', code: 1 }, ctx({ oauth: true })).kind).toBe('misconfigured');
  });

  it('waits as long as X-Business-Use-Case-Usage says access takes to come back', () => {
    const headers = new Headers({
      'x-business-use-case-usage': JSON.stringify({ '123': [{ type: 'pages', call_count: 100, estimated_time_to_regain_access: 7 }] }),
    });
    const e = classifyGraphError(400, { message: 'Page request limit reached', code: 32 }, ctx({ headers, now: 1_000_000 }));
    expect(e.details.retryAt!.getTime()).toBe(1_000_000 + 7 * 60_000);
  });
});

describe('text as Threads counts it', () => {
  it.each([
    ['abc', 3],
    ['é', 1],
    ['日本', 2],
    ['👍', 4],
    ['👍🏽', 8],
    ['👨‍👩‍👧', 18],
    ['🇫🇷', 8],
    ['❤️', 6],
    ['hi 👋', 7],
  ])('%s counts %i', (text, n) => expect(threadsLength(text)).toBe(n));

  it('splits long text into parts that each fit, at word boundaries', () => {
    const text = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    const parts = splitChain(text, 500, threadsLength);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(threadsLength(p)).toBeLessThanOrEqual(500);
    expect(parts.map((p) => p.replace(/ …$/, '')).join(' ')).toBe(text);
  });
});

describe('publishing quota, containers, times', () => {
  it('lets a publish through with room, and otherwise names the time the window frees up', () => {
    const limit = { data: [{ quota_usage: 2, config: { quota_total: 2, quota_duration: 86400 } }] };
    const now = Date.UTC(2031, 0, 2);
    expect(() => checkQuota('Instagram', { data: [{ quota_usage: 1, config: { quota_total: 2 } }] }, { now, fallbackTotal: 50 })).not.toThrow();
    const oldest = now - 20 * 3600_000;
    try {
      checkQuota('Instagram', limit, { now, recent: [now - 3600_000, oldest], fallbackTotal: 50 });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConnectorError);
      expect((err as ConnectorError).kind).toBe('rate_limited');
      expect((err as ConnectorError).details.retryAt!.getTime()).toBe(oldest + 86_400_000);
    }
  });

  it('polls a container with backoff until it is done, and gives up retryably after the wait allowed', async () => {
    const clock = new ManualClock();
    /** Moves the clock in small steps until the promise settles; returns how far it moved. */
    const drive = async <T>(p: Promise<T>) => {
      const start = clock.now();
      let settled = false;
      void p.finally(() => (settled = true)).catch(() => {});
      while (!settled) await clock.advance(10);
      return clock.now() - start;
    };
    let reads = 0;
    const done = pollContainer(async () => ({ status_code: ++reads < 3 ? 'IN_PROGRESS' : 'FINISHED' }), 'Instagram', { clock, firstDelayMs: 100 });
    expect(await drive(done)).toBeGreaterThanOrEqual(300); // waited 100, then 200
    expect((await done).state).toBe('FINISHED');
    const never = pollContainer(async () => ({ id: '9', status_code: 'IN_PROGRESS' }), 'Instagram', { clock, firstDelayMs: 100, maxWaitMs: 250 }).catch(
      (e: ConnectorError) => e,
    );
    await drive(never);
    expect(((await never) as ConnectorError).kind).toBe('retryable');
  });

  it("reads Meta's times as UTC whatever the offset notation", () => {
    expect(graphTime('2031-01-02T03:04:05+0000')).toBe(Date.UTC(2031, 0, 2, 3, 4, 5));
    expect(graphTime('2031-01-02T03:04:05')).toBe(Date.UTC(2031, 0, 2, 3, 4, 5));
    expect(graphTime('2031-01-02T05:04:05+0200')).toBe(Date.UTC(2031, 0, 2, 3, 4, 5));
  });

  it('picks the oldest match whatever the list order, never an excluded one, and lists the rest as duplicates', () => {
    const items = [
      { id: '3', timestamp: '2031-01-01T00:03:00+0000', caption: 'x' },
      { id: '1', timestamp: '2031-01-01T00:01:00+0000', caption: 'x' },
      { id: '2', timestamp: '2031-01-01T00:02:00+0000', caption: 'x' },
      { id: '0', timestamp: '2030-12-31T00:00:00+0000', caption: 'x' },
    ];
    const found = pickMatch(items, { since: Date.UTC(2031, 0, 1), exclude: new Set(['1']), matches: (i) => i.caption === 'x', url: (i) => `u${i.id}` });
    expect(found).toEqual({ externalId: '2', url: 'u2', duplicates: [{ externalId: '3', url: 'u3' }] });
  });
});
