import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaUrlProbes } from '../../src/media/index.js';
import { mediaGate, mediaPreflightPass } from '../../src/posts/index.js';
import { ManualClock } from '../../src/shared/index.js';
import { clockedPinion } from '../helpers/clocked.js';
import { jpeg, png } from '../helpers/media-fixtures.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, getPost, pinterestAccount, settled, waitFor, type PostJson } from '../helpers/posts.js';
import { DIALECTS } from '../helpers/stores.js';
import { startReceiver, verify } from '../webhooks/receiver.js';

const DAY = 86_400_000;

/** A loopback image host that counts every request by path, sends ETags and answers If-None-Match with 304. */
async function startImageHost() {
  const files = new Map<string, { type: string; bytes: Buffer }>();
  const requests: Array<{ path: string; status: number }> = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const file = files.get(path);
    const answer = (status: number, headers: Record<string, string> = {}, body?: Buffer | string) => {
      requests.push({ path, status });
      res.writeHead(status, headers).end(body);
    };
    if (!file) return answer(404, {}, 'missing');
    const etag = `"${createHash('sha256').update(file.bytes).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) return answer(304, { etag });
    answer(200, { 'content-type': file.type, etag }, file.bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    files,
    requests,
    /** Requests for one path, and how many were answered 304. */
    count: (path: string) => requests.filter((r) => r.path === path).length,
    notModified: (path: string) => requests.filter((r) => r.path === path && r.status === 304).length,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

describe.each(DIALECTS)('the media check off the request path, on %s', (dialect) => {
  let p: TestPinion;
  let host: Awaited<ReturnType<typeof startImageHost>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret: string;
  beforeAll(async () => {
    host = await startImageHost();
    host.files.set('/good.jpg', { type: 'image/jpeg', bytes: await jpeg(1000, 1500) });
    host.files.set('/small.png', { type: 'image/png', bytes: await png(400, 600) });
    host.files.set('/page.html', { type: 'text/html', bytes: Buffer.from('<html><body>a web page, not an image</body></html>') });
    host.files.set('/truncated.png', { type: 'image/png', bytes: (await png(400, 300)).subarray(0, 60) });
    host.files.set('/check.png', { type: 'image/png', bytes: (await png(400, 300)).subarray(0, 80) });
    p = await startTestPinion({ dialect, sandbox: {}, worker: true, config: { scheduler: FAST_SCHEDULER, platforms: fastPinterest() } });
    await pinterestAccount(p);
    receiver = await startReceiver();
    const endpoint = await (await p.api('POST', '/api/v1/webhooks', { body: { url: receiver.url, events: ['post.needs_attention'] } })).json();
    secret = endpoint.secret;
  });
  afterAll(async () => {
    await p?.close();
    await host?.close();
    await receiver?.close();
  });

  const post = (mediaUrl: string, extra: Record<string, unknown> = {}) =>
    p.api('POST', '/api/v1/posts', {
      body: {
        content: 'Linen apron',
        platforms: ['pinterest'],
        media_url: mediaUrl,
        scheduled_at: inDays(30),
        platform_options: { pinterest: { board: 'Products', title: 'Apron' } },
        ...extra,
      },
    });
  const attention = (id: string) =>
    waitFor(async () => {
      const got = await getPost(p, id);
      return got.deliveries[0]!.status === 'needs_attention' && got;
    }, `post ${id} to need attention`);
  const hook = (deliveryId: string) =>
    waitFor(async () => receiver.requests.find((r) => JSON.parse(r.body).data.delivery_id === deliveryId), `the webhook for ${deliveryId}`);

  it('accepts a post with a broken image without fetching it, then sets the delivery aside before its time and sends a signed post.needs_attention', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/missing.jpg', /media_url cannot be fetched: the server answered 404/],
      ['/page.html', /media_url is not a recognised file type, not an image or a video/],
      ['/truncated.png', /media_url is a broken image\/png file/],
    ];
    for (const [path, reason] of cases) {
      const res = await post(`${host.url}${path}`);
      expect(res.status, path).toBe(201);
      const created = (await res.json()) as PostJson;
      // Answered before the image host was asked anything: the fetch is the preflight's.
      expect(host.count(path), path).toBe(0);
      expect(created.deliveries[0]!.status).toBe('scheduled');

      const after = await attention(created.id);
      expect(host.count(path), path).toBe(1);
      expect(after.deliveries[0]!.last_error).toEqual({ kind: 'media', message: expect.stringMatching(reason) });
      expect(after.deliveries[0]!.attempts).toBe(0);
      expect(after.status).toBe('failed');
      expect((after as PostJson & { media_check: unknown }).media_check).toEqual({
        checked_at: expect.any(String),
        next_check_at: null,
        problems: [{ field: 'media_url', message: expect.any(String), platforms: ['pinterest'] }],
      });

      const request = await hook(after.deliveries[0]!.id);
      expect(request.headers['pinion-event-type']).toBe('post.needs_attention');
      expect(verify(secret, request)).toBe(true);
      expect(JSON.parse(request.body).data).toEqual({
        post_id: created.id,
        delivery_id: after.deliveries[0]!.id,
        platform: 'pinterest',
        account_id: expect.stringMatching(/^acc_/),
        scheduled_at: created.scheduled_at,
        error: { kind: 'media', message: after.deliveries[0]!.last_error!.message },
      });
    }
  });

  it('refuses at once, with the earlier reason, a URL the preflight found missing', async () => {
    const before = host.count('/missing.jpg');
    const res = await post(`${host.url}/missing.jpg`);
    expect(res.status).toBe(422);
    expect((await res.json()).errors).toContainEqual({
      field: 'media_url',
      message: expect.stringMatching(/could not be fetched when Pinion last checked it \(.*\): the server answered 404/),
    });
    expect(host.count('/missing.jpg')).toBe(before);
  });

  it('puts the post back on schedule when its media is changed, and it publishes', async () => {
    const made = (await (await post(`${host.url}/missing-2.jpg`)).json()) as PostJson;
    await attention(made.id);
    const res = await p.api('PATCH', `/api/v1/posts/${made.id}`, {
      body: { media_url: `${host.url}/good.jpg`, scheduled_at: new Date(Date.now() + 1500).toISOString() },
    });
    expect(res.status).toBe(200);
    const patched = (await res.json()) as PostJson;
    expect(patched.status).toBe('scheduled');
    expect(patched.deliveries.map((d) => d.status)).toEqual(['scheduled']);
    const [done] = await settled(p, [made.id]);
    expect(done!.status).toBe('published');
    expect(done!.deliveries[0]!.external_id).toBeTruthy();
  });

  it('keeps a good image scheduled, judges the next post naming it from the kept probe, and revalidates it with a 304', async () => {
    const first = (await (await post(`${host.url}/small.png`)).json()) as PostJson & { warnings: Array<{ field: string; message: string }> };
    expect(first.warnings.filter((w) => w.field === 'media_url')).toEqual([]);
    await waitFor(async () => host.count('/small.png') === 1, 'the preflight to fetch the image');
    // The second post is judged from the probe: Pinterest's advice on the size, with no request made.
    const second = (await (await post(`${host.url}/small.png`)).json()) as PostJson & { warnings: Array<{ field: string; message: string }> };
    expect(second.warnings).toContainEqual({ field: 'media_url', message: expect.stringMatching(/is 400×600; Pinterest advises at least 600×900/) });
    // Its own preflight asks whether the image changed; the 304 keeps the probe (nothing downloaded or decoded again).
    await waitFor(async () => host.notModified('/small.png') === 1, 'a conditional request answered 304');
    expect(host.count('/small.png')).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    for (const id of [first.id, second.id]) {
      const got = (await getPost(p, id)) as PostJson & { media_check: unknown };
      expect(got.deliveries[0]!.status).toBe('scheduled');
      // Checked, and to be checked again a day before it is due.
      expect(got.media_check).toEqual({
        checked_at: expect.any(String),
        next_check_at: new Date(Date.parse(got.scheduled_at) - DAY).toISOString(),
        problems: [],
      });
    }
  });

  it('still fetches and decodes at once for POST /posts:validate', async () => {
    const res = await p.api('POST', '/api/v1/posts:validate', {
      body: {
        content: 'Linen apron',
        platforms: ['pinterest'],
        media_url: `${host.url}/check.png`,
        scheduled_at: inDays(30),
        platform_options: { pinterest: { board: 'Products' } },
      },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(host.count('/check.png')).toBe(1);
    expect(body.valid).toBe(false);
    expect(body.errors).toContainEqual({ field: 'media_url', message: expect.stringMatching(/broken image\/png/) });
  });

  it('refuses private addresses at once, without a request', async () => {
    for (const url of ['http://10.0.0.1/apron.jpg', 'http://169.254.169.254/latest/meta-data', 'http://[::ffff:127.0.0.1]/a.jpg']) {
      const started = Date.now();
      const res = await post(url);
      expect(res.status, url).toBe(422);
      expect((await res.json()).errors).toContainEqual({ field: 'media_url', message: expect.stringMatching(/cannot be used: .*is not a public address/) });
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });
});

describe.each(DIALECTS)('the preflight pass on a clock, on %s', (dialect) => {
  let p: TestPinion;
  let host: Awaited<ReturnType<typeof startImageHost>>;
  beforeAll(async () => {
    host = await startImageHost();
    host.files.set('/good.jpg', { type: 'image/jpeg', bytes: await jpeg(1000, 1500) });
    p = await startTestPinion({ dialect, sandbox: {} });
    await pinterestAccount(p);
  });
  afterAll(async () => {
    await p?.close();
    await host?.close();
  });

  it('checks soon after the post is made and again a day before it is due; two workers never check one post at once', async () => {
    const clock = new ManualClock(Date.now());
    const probes = new MediaUrlProbes(p.config.media, { clock });
    const check = (url: string) => probes.full(url);
    const passes = [mediaPreflightPass({ db: p.store.db, clock, check }), mediaPreflightPass({ db: p.store.db, clock, check })];
    const run = () => Promise.all(passes.map((pass) => pass.run(new AbortController().signal)));
    const due = Date.now() + 10 * DAY;
    const res = await p.api('POST', '/api/v1/posts', {
      body: {
        content: 'Linen apron',
        platforms: ['pinterest'],
        media_url: `${host.url}/good.jpg`,
        scheduled_at: new Date(due).toISOString(),
        platform_options: { pinterest: { board: 'Products' } },
      },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as PostJson;

    await run();
    expect(host.count('/good.jpg')).toBe(1);
    await clock.advance(DAY);
    await run();
    expect(host.count('/good.jpg')).toBe(1);

    // A day before it is due the image is gone: the second look finds it and sets the delivery aside.
    host.files.delete('/good.jpg');
    await clock.advance(due - DAY - clock.now() + 1000);
    await run();
    expect(host.count('/good.jpg')).toBe(2);
    const post = await getPost(p, id);
    expect(post.deliveries[0]).toMatchObject({ status: 'needs_attention', attempts: 0, last_error: { kind: 'media', message: expect.stringMatching(/404/) } });
    await clock.advance(DAY);
    await run();
    expect(host.count('/good.jpg')).toBe(2);
  });
});

describe.each(DIALECTS)('the publish path on %s', (dialect) => {
  it('checks the media itself when the preflight has not, and never sends a broken image to the platform', async () => {
    const host = await startImageHost();
    let gate: ReturnType<typeof mediaGate> | undefined;
    const c = await clockedPinion({ dialect, pass: { mediaGate: (d) => gate!(d) } });
    try {
      let fetches = 0;
      const probes = new MediaUrlProbes(c.p.config.media, { clock: c.clock });
      gate = mediaGate({ db: c.p.store.db, check: (url) => (fetches++, probes.full(url)) });
      const broken = await c.schedule('Broken', { media_url: `${host.url}/missing.jpg` });
      await c.run();
      expect(await c.delivery(broken)).toMatchObject({
        status: 'needs_attention',
        attempts: 0,
        last_error: { kind: 'media', message: expect.stringMatching(/media_url cannot be fetched: the server answered 404/) },
      });
      expect(c.outcomes.map((o) => [o.type, o.delivery.post_id])).toEqual([['needs_attention', broken]]);
      expect(c.creates()).toBe(0);

      const good = await c.schedule('Good');
      await c.run();
      expect(await c.delivery(good)).toMatchObject({ status: 'published', attempts: 1 });
      expect(c.creates()).toBe(1);
      expect(fetches).toBe(2);
    } finally {
      await c.close();
      await host.close();
    }
  });
});
