import { budgetOf, platformConfig } from '../../src/config/index.js';
import { connectorFor } from '../../src/connectors/index.js';
import type { PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { publishPass, type DeliveryOutcome, type PublishPassOptions } from '../../src/scheduler/index.js';
import { ManualClock } from '../../src/shared/index.js';
import type { Dialect } from '../../src/store/index.js';
import { startTestPinion, type TestPinion } from './pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, startImageServer } from './posts.js';

/**
 * A Pinion (API, no worker) and its sandbox on one ManualClock, with a publish pass the test runs
 * by hand: backoff, leases, outcome windows and give-up times are tested at real durations
 * without waiting for them. Pinion's scheduler defaults unless overridden.
 */
export async function clockedPinion(opts: {
  dialect: Dialect;
  sandbox?: PinterestSandboxOptions;
  pass?: Partial<PublishPassOptions>;
  outcomeWindowSeconds?: number;
  startAt?: number;
}) {
  const clock = new ManualClock(opts.startAt ?? Date.now());
  const images = await startImageServer();
  const p: TestPinion = await startTestPinion({
    dialect: opts.dialect,
    sandbox: { ...opts.sandbox, clock },
    config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest({ outcomeWindowSeconds: opts.outcomeWindowSeconds ?? 600 }) },
  });
  const { sandboxUserId, account } = await pinterestAccount(p);
  const config = p.config;
  const outcomes: DeliveryOutcome[] = [];
  const passOptions: PublishPassOptions = {
    db: p.store.db,
    dialect: p.store.dialect,
    log: p.log,
    tokens: p.accounts.tokens,
    publisherFor: (platform) => connectorFor(platform).publisher(platformConfig(config, platform)),
    budgetFor: (platform) => budgetOf(config, platform),
    outcomeWindowFor: (platform) => platformConfig(config, platform).outcomeWindowSeconds * 1000,
    clock,
    concurrency: 4,
    leaseMs: 60_000,
    pollIntervalMs: 50,
    maxAttempts: 8,
    retryBaseMs: 30_000,
    retryMaxMs: 3_600_000,
    unknownOutcomeGiveUpMs: 86_400_000,
    onOutcome: async (_trx, outcome) => {
      outcomes.push(outcome);
    },
    ...opts.pass,
  };
  const pass = publishPass(passOptions);
  return {
    p,
    clock,
    pass,
    account,
    sandboxUserId,
    outcomes,
    images,
    /** Runs one batch of the pass at the clock's time. */
    run: () => pass.run(new AbortController().signal),
    /** A post due now (by the API's real time) unless `extra.scheduled_at` says otherwise, as a user would make it. */
    async schedule(title = 'Apron', extra: Record<string, unknown> = {}) {
      const res = await p.api('POST', '/api/v1/posts', {
        body: {
          content: 'Linen apron',
          platforms: ['pinterest'],
          media_url: `${images.url}/good.jpg`,
          link: 'https://shop.example/apron',
          platform_options: { pinterest: { board: 'Products', title } },
          ...extra,
        },
      });
      if (res.status !== 201) throw new Error(`post refused: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      // Due at the API's time of creation: the clock moves just past it.
      if (clock.now() < Date.now() + 1000) await clock.advance(Date.now() - clock.now() + 1000);
      return id;
    },
    delivery: async (id: string) => (await getPost(p, id)).deliveries[0]!,
    pins: () => p.sandbox!.state.pinsOf(sandboxUserId),
    creates: () => p.sandbox!.stats().users[sandboxUserId]?.operations['POST /v5/pins'] ?? 0,
    async close() {
      await p.close();
      await images.close();
    },
  };
}
