import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPinion,
  PinionAuthError,
  PinionNotFoundError,
  PinionRateLimitError,
  PinionValidationError,
  verifyWebhook,
  type Pinion,
} from '../../clients/typescript/src/index.js';
import { signatureHeader, standardWebhookHeaders } from '../../src/webhooks/index.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount, startImageServer } from '../helpers/posts.js';

describe('the TypeScript client against a live Pinion', () => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let pinion: Pinion;
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    images = await startImageServer();
    await pinterestAccount(p);
    pinion = createPinion({ baseUrl: p.url, apiKey: p.apiKey });
  });
  afterAll(async () => {
    await p?.close();
    await images?.close();
  });
  const post = (i: number) => ({
    content: `Client ${i}`,
    platforms: ['pinterest'],
    media_url: `${images.url}/good.jpg`,
    scheduled_at: `2038-01-0${i}T10:00:00Z`,
    platform_options: { pinterest: { board: 'Products' } },
  });

  it('schedules, reads, pages through and cancels posts with typed answers', async () => {
    const created = await Promise.all([1, 2, 3, 4, 5].map((i) => pinion.posts.create(post(i))));
    expect(created.map((c) => c.status)).toEqual(Array(5).fill('scheduled'));
    expect((await pinion.posts.get(created[0]!.id)).deliveries[0]!.platform).toBe('pinterest');
    const seen: string[] = [];
    for await (const each of pinion.posts.iterate({ limit: 2 })) seen.push(each.id);
    expect(seen.sort()).toEqual(created.map((c) => c.id).sort());
    expect((await pinion.posts.cancel(created[4]!.id)).status).toBe('cancelled');
    const batch = await pinion.posts.createMany([post(6), post(7)], { idempotencyKey: 'client-batch' });
    const again = await pinion.posts.createMany([post(6), post(7)], { idempotencyKey: 'client-batch' });
    expect(again.data.map((x) => x.id)).toEqual(batch.data.map((x) => x.id));
    const [account] = (await pinion.accounts.list()).data;
    expect(account).toMatchObject({ platform: 'pinterest', status: 'active', timezone: null });
    expect((await pinion.accounts.update(account!.id, { timezone: 'Europe/Paris' })).timezone).toBe('Europe/Paris');
    const bad = await pinion.accounts.update(account!.id, { timezone: 'Europe/Pariss' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PinionValidationError);
  });

  it('groups posts in campaigns, retries and deletes them with typed answers', async () => {
    const campaign = await pinion.campaigns.create({ name: 'Client launch', color: '#112233' });
    const made = await pinion.posts.create({ ...post(8), campaign_id: campaign.id });
    expect(made.campaign_id).toBe(campaign.id);
    expect((await pinion.posts.list({ campaign_id: campaign.id, sort: 'created_at', order: 'desc' })).data.map((x) => x.id)).toEqual([made.id]);
    expect(await pinion.posts.retryFailed({ dry_run: true, campaign_id: campaign.id })).toMatchObject({ dry_run: true, posts: 0 });
    const refused = await pinion.posts.retry(made.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 409 });
    const deleted = await pinion.posts.delete(made.id);
    expect(deleted.deliveries.map((d) => d.result)).toEqual(['cancelled']);
    expect((await pinion.campaigns.delete(campaign.id)).detached_posts).toBe(0);
  });

  it('throws typed errors that carry the fields and the request id', async () => {
    const missing = await pinion.posts.get('post_nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PinionNotFoundError);
    expect((missing as PinionNotFoundError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    const invalid = await pinion.posts.create({ ...post(1), platforms: ['myspace'] }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(PinionValidationError);
    expect((invalid as PinionValidationError).errors[0]).toMatchObject({ field: 'platforms.0', message: expect.stringMatching(/known: pinterest/) });
    const unauthorised = await createPinion({ baseUrl: p.url, apiKey: 'pin_wrong' })
      .posts.list()
      .catch((e: unknown) => e);
    expect(unauthorised).toBeInstanceOf(PinionAuthError);
  });

  it('retries a 429 after the Retry-After it names, with the same Idempotency-Key', async () => {
    const seen: Array<{ key: string | undefined }> = [];
    // In front of the live Pinion: the first try is refused as an overloaded server would refuse it.
    const proxy = createServer(async (req, res) => {
      seen.push({ key: req.headers['idempotency-key'] as string | undefined });
      if (seen.length === 1) {
        res
          .writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '2' })
          .end(JSON.stringify({ type: 'urn:pinion:problem:rate-limited', title: 'Too Many Requests', status: 429 }));
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const upstream = await fetch(`${p.url}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res
        .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
        .end(Buffer.from(await upstream.arrayBuffer()));
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const waits: number[] = [];
    try {
      const client = createPinion({
        baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
        apiKey: p.apiKey,
        sleep: async (ms) => void waits.push(ms),
      });
      const created = await client.posts.create(post(8));
      expect(created.status).toBe('scheduled');
      expect(waits).toEqual([2000]);
      expect(seen).toHaveLength(2);
      expect(seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen[1]!.key).toBe(seen[0]!.key);

      seen.length = 0;
      const impatient = createPinion({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, apiKey: p.apiKey, maxRetries: 0 });
      const refused = await impatient.posts.list().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PinionRateLimitError);
      expect((refused as PinionRateLimitError).retryAfterSeconds).toBe(2);
    } finally {
      proxy.close();
    }
  });

  it('is generated from the document this Pinion serves (openapi-typescript)', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinion-client-'));
    writeFileSync(join(dir, 'openapi.json'), await (await fetch(`${p.url}/openapi.json`)).text());
    const local = resolve(import.meta.dirname, '../../node_modules/.bin/openapi-typescript');
    const [cmd, args] = existsSync(local) ? [local, []] : ['npx', ['-y', 'openapi-typescript@7']];
    await promisify(execFile)(cmd, [...args, join(dir, 'openapi.json'), '-o', join(dir, 'schema.d.ts')]);
    const file = resolve(import.meta.dirname, '../../clients/typescript/src/schema.d.ts');
    const [header, ...committed] = readFileSync(file, 'utf8').split('\n');
    const generated = readFileSync(join(dir, 'schema.d.ts'), 'utf8');
    // Stale when it differs: regenerate (`npm run generate` in clients/typescript against a running Pinion, or this test with UPDATE_CLIENT_SCHEMA=1).
    if (process.env.UPDATE_CLIENT_SCHEMA === '1') writeFileSync(file, `${header}\n${generated}`);
    else expect(committed.join('\n')).toBe(generated);
  });

  it('verifies webhook signatures in both formats Pinion sends', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const body = '{"id":"evt_1","type":"post.published"}';
    const pinionHeaders = { 'pinion-signature': signatureHeader(secret, body) };
    expect(verifyWebhook(secret, pinionHeaders, body)).toBe(true);
    expect(verifyWebhook(secret, pinionHeaders, body.replace('evt_1', 'evt_2'))).toBe(false);
    expect(verifyWebhook(secret, pinionHeaders, body, { now: Date.now() + 600_000 })).toBe(false);
    const standard = new Headers(standardWebhookHeaders(secret, 'whd_1', body));
    expect(verifyWebhook(secret, standard, body)).toBe(true);
    expect(verifyWebhook(`whsec_${Buffer.alloc(32, 8).toString('base64')}`, standard, body)).toBe(false);
  });
});
