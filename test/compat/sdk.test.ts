import { AuthenticationError, PostEverywhere, PostEverywhereError, ValidationError } from '@posteverywhere/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, ensureWorkspace } from '../../src/workspaces/index.js';
import { DIALECTS } from '../helpers/stores.js';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { FAST_SCHEDULER, fastPinterest, pinterestAccount, startImageServer, waitFor } from '../helpers/posts.js';
import { png } from '../helpers/media-fixtures.js';
import { startReceiver } from '../webhooks/receiver.js';
import { routeToPinion } from './route-fetch.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const inAWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '.000Z');

// One Pinion per database; the SDK's calls build on each other (the account, its media, its posts), in order.
describe.each(DIALECTS)('PostEverywhere SDK against Pinion on %s', { timeout: 120_000 }, (dialect) => {
  let p: TestPinion;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let routing: ReturnType<typeof routeToPinion>;
  let pe: PostEverywhere;
  let key: string;
  let accountNumber: number;
  let sandboxUser: string;

  beforeAll(async () => {
    images = await startImageServer();
    receiver = await startReceiver();
    p = await startTestPinion({
      dialect,
      worker: true,
      sandbox: {},
      config: {
        scheduler: FAST_SCHEDULER,
        platforms: fastPinterest(),
        webhooks: { ...(await import('../../src/config/index.js')).loadConfig({ env: {} }).webhooks, allowHosts: ['127.0.0.1'] },
      },
    });
    ({ sandboxUserId: sandboxUser } = await pinterestAccount(p));
    const { workspace } = await ensureWorkspace(p.store.db, 'default');
    key = (
      await createApiKey(p.store.db, {
        workspaceId: workspace.id,
        name: 'moved from PostEverywhere',
        scopes: ['posts:read', 'posts:write', 'accounts:read', 'media:read', 'media:write', 'webhooks:read', 'webhooks:write'],
        format: 'posteverywhere',
      })
    ).key;
    routing = routeToPinion(p.url);
    pe = new PostEverywhere({ apiKey: key, maxRetries: 0 });
  });
  afterAll(async () => {
    routing?.restore();
    await p?.close();
    await images?.close();
    await receiver?.close();
  });

  it('issues pe_live_ keys that the SDK accepts, and answers a wrong key with its AuthenticationError', async () => {
    expect(key).toMatch(/^pe_live_[A-Za-z0-9_-]{43}$/);
    const wrong = new PostEverywhere({ apiKey: 'pe_live_not-a-key', maxRetries: 0 });
    const err = await wrong.accounts.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'authentication_failed' });
    expect((err as AuthenticationError).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists, gets and checks the health of accounts, with stable numeric ids', async () => {
    const { accounts, total } = await pe.accounts.list();
    expect(total).toBe(1);
    const [a] = accounts;
    expect(a).toMatchObject({ platform: 'pinterest', platform_username: 'shop', is_active: true, health: { status: 'healthy', message: null } });
    expect(Number.isInteger(a!.id) && a!.id > 0).toBe(true);
    expect(a!.platform_user_id).toBe(sandboxUser);
    expect(typeof a!.display_name).toBe('string');
    accountNumber = a!.id;
    expect((await pe.accounts.list()).accounts[0]!.id).toBe(accountNumber); // the same number every time
    expect(await pe.accounts.get(accountNumber)).toEqual(a);

    const health = await pe.accounts.health(accountNumber);
    expect(health).toMatchObject({
      account_id: accountNumber,
      platform: 'pinterest',
      platform_account_id: sandboxUser,
      status: 'healthy',
      can_post: true,
      reasons: [],
      is_active: true,
      needs_reconnection: false,
      needs_reconnection_since: null,
      token: { expired: false, expiring_soon: false },
      activity: { last_published_at: null, failures_last_7d: 0, permanent_failures_last_7d: 0, queued_count: 0 },
    });
    expect(health.token.last_refresh).toMatch(ISO);
    expect(health.connected_at).toMatch(ISO);

    const missing = await pe.accounts.get(999_999).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PostEverywhereError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found' });
  });

  let uploadedId: string;
  it('uploads media: the one-call upload, the manual presign → PUT → complete, and from a URL', async () => {
    const bytes = await png(1000, 1500);
    const done = await pe.media.upload(new Blob([new Uint8Array(bytes)]), { filename: 'apron.png', contentType: 'image/png' });
    expect(done).toMatchObject({ status: 'ready', type: 'image' });
    expect(done.id).toMatch(/^med_/);
    uploadedId = done.id;

    const other = await png(1000, 1501, { r: 1, g: 2, b: 3 });
    const grant = await pe.media.getUploadUrl({ filename: 'manual.png', content_type: 'image/png', file_size: other.length });
    expect(grant).toMatchObject({ provider: 'pinion' });
    expect(grant.media_id).toMatch(/^upl_/);
    expect(grant.expires_in).toBeGreaterThan(0);
    const pending = await pe.media.get(grant.media_id);
    expect(pending).toMatchObject({
      id: grant.media_id,
      filename: 'manual.png',
      media_type: 'image',
      mime_type: 'image/png',
      file_size: other.length,
      upload_status: 'uploading',
    });
    const early = await pe.media.complete(grant.media_id).catch((e: unknown) => e);
    expect(early).toMatchObject({ status: 409, code: 'upload_incomplete' });
    const put = await fetch(grant.upload_url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array(other) });
    expect(put.status).toBe(201);
    const completed = await pe.media.complete(grant.media_id);
    expect(completed.status).toBe('ready');
    const manual = await pe.media.get(completed.id);
    expect(manual).toMatchObject({
      id: completed.id,
      filename: 'manual.png',
      media_type: 'image',
      mime_type: 'image/png',
      file_size: other.length,
      upload_status: 'ready',
      thumbnail_url: null,
    });
    expect(await pe.media.get(grant.media_id)).toEqual(manual); // the upload id keeps standing for its media

    const fetched = await pe.media.uploadFromUrl({ url: `${images.url}/good.jpg`, filename: 'from-url.jpg' });
    expect(fetched).toMatchObject({
      media_status: 'ready',
      type: 'image',
      filename: 'from-url.jpg',
      content_type: 'image/jpeg',
      source_url: `${images.url}/good.jpg`,
    });
    expect(fetched.media_ids).toEqual([fetched.media_id]);
    expect(fetched.size).toBeGreaterThan(0);
    const bad = await pe.media.uploadFromUrl({ url: `${images.url}/broken.png` }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);

    const { media, total } = await pe.media.list({ type: 'image' });
    expect(total).toBe(3);
    expect(media.map((m) => m.id).sort()).toEqual([done.id, completed.id, fetched.media_id].sort());
    expect((await pe.media.list({ limit: 1, offset: 2 })).media).toHaveLength(1);

    expect(await pe.media.delete(completed.id)).toMatchObject({ message: expect.stringContaining(completed.id) });
    expect(await pe.media.get(completed.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
  });

  let scheduledId: string;
  it('creates, gets, updates, lists and reports on a scheduled post with its field names', async () => {
    const when = inAWeek();
    const created = await pe.posts.create({
      content: 'Indigo apron, hand-dyed',
      account_ids: [accountNumber],
      scheduled_at: when, // the old name still works
      media_ids: [uploadedId],
      platform_content: { pinterest: { board: 'Products', title: 'Indigo apron' } },
    });
    expect(created).toMatchObject({ destinations: 1, status: 'scheduled', scheduled_for: when });
    expect(created.post_id).toMatch(/^post_/);
    expect(created.post_group_id).toBe(created.post_id);
    scheduledId = created.post_id;

    const post = await pe.posts.get(scheduledId);
    expect(post).toMatchObject({ id: scheduledId, content: 'Indigo apron, hand-dyed', scheduled_for: when, post_status: 'scheduled' });
    expect(post.created_at).toMatch(ISO);
    expect(post.destinations).toEqual([
      expect.objectContaining({
        platform: 'pinterest',
        social_account_id: accountNumber,
        status: 'queued',
        platform_post_id: null,
        published_at: null,
        last_error: null,
      }),
    ]);

    const later = new Date(Date.parse(when) + 3_600_000).toISOString();
    const updated = await pe.posts.update(scheduledId, { content: 'Indigo apron, hand-dyed in Kyoto', scheduled_for: later });
    expect(updated).toMatchObject({ id: scheduledId, content: 'Indigo apron, hand-dyed in Kyoto', scheduled_for: later, post_status: 'scheduled' });

    const listed = await pe.posts.list({ status: 'queued', platform: 'pinterest' });
    expect(listed).toMatchObject({ total: 1, limit: 20, offset: 0 });
    expect(listed.posts[0]!.id).toBe(scheduledId);
    const advanced = await pe.posts.listAdvanced({ status: 'scheduled,published', platform: 'pinterest', scheduled_after: when, limit: 5 });
    expect(advanced.posts.map((x) => x.id)).toEqual([scheduledId]);
    expect((await pe.posts.listAdvanced({ status: 'draft' })).posts).toEqual([]);

    const results = await pe.posts.results(scheduledId);
    expect(results).toMatchObject({ post_id: scheduledId, content: 'Indigo apron, hand-dyed in Kyoto', scheduled_for: later });
    expect(results.results).toEqual(updated.destinations); // editing a post replaces its waiting deliveries
    expect(await pe.posts.getResults(scheduledId)).toEqual(results);
  });

  it('refuses bad posts with its ValidationError, naming the field in its words', async () => {
    const err = (await pe.posts
      .create({ content: 'x', account_ids: [accountNumber], scheduled_for: 'next tuesday', platform_content: { pinterest: { board: 'Products' } } })
      .catch((e: unknown) => e)) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.code).toBe('validation_error');
    expect(JSON.stringify(err.details)).toContain('scheduled_for');
    const unknown = (await pe.posts
      .create({ content: 'x', account_ids: [accountNumber], publish_later: true } as never)
      .catch((e: unknown) => e)) as ValidationError;
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown.message).toContain('publish_later');
    const several = (await pe.posts
      .create({ content: 'x', account_ids: [accountNumber], media_ids: [uploadedId, uploadedId + 'x'] })
      .catch((e: unknown) => e)) as ValidationError;
    expect(several.message).toContain('media_ids');
  });

  it('creates posts in bulk with a result per item', async () => {
    const when = inAWeek();
    const out = await pe.posts.bulkCreate([
      { content: 'First', account_ids: [accountNumber], scheduled_for: when, media_ids: [uploadedId], platform_content: { pinterest: { board: 'Products' } } },
      { content: 'Second', account_ids: [424_242], scheduled_for: when },
      {
        content: 'Third',
        account_ids: [accountNumber],
        scheduled_for: 'tomorrow-ish',
        media_ids: [uploadedId],
        platform_content: { pinterest: { board: 'Products' } },
      },
    ]);
    expect(out.summary).toEqual({ total: 3, succeeded: 1, failed: 2 });
    expect(out.results[0]).toMatchObject({ index: 0, ok: true, post: { destinations: 1, status: 'scheduled', scheduled_for: when } });
    expect(out.results[1]).toMatchObject({ index: 1, ok: false, error: { code: 'validation_error', status: 400 } });
    expect(out.results[1]!.error!.message).toContain('424242');
    // Refused by Pinion's planning, named by its place in this request and in PostEverywhere's field names.
    expect(out.results[2]).toMatchObject({
      index: 2,
      ok: false,
      error: { code: 'validation_error', status: 400, details: { errors: [{ field: 'posts.2.scheduled_for' }] } },
    });
  });

  it('publishes a real pin through the Pinterest sandbox and shows where it went', async () => {
    const created = await pe.posts.create({
      content: 'Linen apron',
      account_ids: [accountNumber],
      media_ids: [uploadedId],
      platform_content: { pinterest: { board: 'Products' } },
    });
    const post = await waitFor(async () => {
      const x = await pe.posts.get(created.post_id);
      return x.post_status === 'published' ? x : undefined;
    }, 'the pin to publish');
    const [d] = post.destinations!;
    const pin = p.sandbox!.state.pins.get(d!.platform_post_id!);
    expect(pin).toBeDefined();
    expect(pin!.ownerId).toBe(sandboxUser);
    expect(d).toMatchObject({ platform: 'pinterest', social_account_id: accountNumber, status: 'done', last_error: null });
    expect(d!.published_at).toMatch(ISO);
    expect((await pe.accounts.health(accountNumber)).activity).toMatchObject({ last_published_at: d!.published_at, failures_last_7d: 0 });
  });

  it('answers me, and the analytics summary by status and platform', async () => {
    const me = await pe.me.get();
    expect(me.api_key).toMatchObject({ name: 'moved from PostEverywhere', expires_at: null });
    expect(me.api_key!.key_prefix).toBe(key.slice(0, 16));
    expect(me.scopes).toContain('posts:write');
    expect(me.workspace.name).toBe('default');
    expect(me.organization).toMatchObject({ id: me.workspace.id, subscription_plan: 'self-hosted', entitled: true });
    expect(me.quota.accounts).toEqual({ used: 1, limit: -1 });
    expect(me.quota.storage_bytes.used).toBeGreaterThan(0);
    expect(me.stats).toEqual({ posts_last_30d: 3, total_posts: 3 });

    const summary = await pe.analytics.summary({ period: 'all' });
    expect(summary.period).toBe('all');
    expect(summary.range.from).toBeNull();
    expect(summary.posts).toMatchObject({ total: 3, scheduled: 2, published: 1, failed: 0, draft: 0 });
    expect(summary.by_platform).toEqual([{ platform: 'pinterest', total: 3, scheduled: 2, published: 1, failed: 0 }]);
    expect(Object.keys(summary.metrics).sort()).toEqual(['clicks', 'comments', 'impressions', 'likes', 'shares', 'views']);
    const week = await pe.analytics.summary({ period: 'custom', from: new Date(Date.now() - 3_600_000).toISOString() });
    expect(week.posts.total).toBe(1); // due in the last hour and now: the pin published now
    const bad = await pe.analytics.summary({ period: 'fortnight' as never }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
  });

  it('manages campaigns and files posts under them, filtering the list by campaign, account, search and sort', async () => {
    const launch = await pe.campaigns.create({ name: 'Spring launch', description: 'Aprons', color: '#336699' });
    expect(launch).toMatchObject({ name: 'Spring launch', description: 'Aprons', color: '#336699', status: 'active', post_count: 0 });
    expect(Number.isInteger(launch.id) && launch.id > 0).toBe(true);
    expect(launch.created_at).toMatch(ISO);
    const other = await pe.campaigns.create({ name: 'Autumn' });
    expect(other.id).toBe(launch.id + 1);
    expect(await pe.campaigns.get(launch.id)).toEqual(launch);
    const renamed = await pe.campaigns.update(launch.id, { name: 'Spring launch 2027' });
    expect(renamed).toMatchObject({ id: launch.id, name: 'Spring launch 2027', color: '#336699' });
    const archived = await pe.campaigns.update(launch.id, { status: 'archived' }).catch((e: unknown) => e);
    expect(archived).toBeInstanceOf(ValidationError);
    expect((archived as ValidationError).message).toContain('archived');

    const when = inAWeek();
    const filed = await pe.posts.create({
      content: 'Spring apron in sage',
      account_ids: [accountNumber],
      scheduled_for: when,
      media_ids: [uploadedId],
      platform_content: { pinterest: { board: 'Products' } },
      campaign_id: launch.id,
    } as never);
    expect((await pe.posts.get(filed.post_id)) as unknown).toMatchObject({ campaign_id: launch.id });
    expect((await pe.campaigns.get(launch.id)).post_count).toBe(1);
    const inCampaign = await pe.posts.listAdvanced({ campaign_id: launch.id });
    expect(inCampaign.posts.map((x) => x.id)).toEqual([filed.post_id]);
    expect((await pe.posts.listAdvanced({ search: 'sage', account_id: accountNumber })).posts.map((x) => x.id)).toEqual([filed.post_id]);
    const newestFirst = await pe.posts.listAdvanced({ sort: 'created_at', order: 'desc', limit: 2 });
    expect(newestFirst.posts[0]!.id).toBe(filed.post_id);
    expect(newestFirst.total).toBe(4);
    const unsupported = await pe.posts.listAdvanced({ updated_after: when }).catch((e: unknown) => e);
    expect(unsupported).toBeInstanceOf(ValidationError);

    const listed = await pe.campaigns.list({ limit: 1 });
    expect(listed.campaigns.map((c) => c.id)).toEqual([launch.id]);
    expect(listed.pagination).toEqual({ limit: 1, offset: 0, total: 2, has_more: true });
    expect(await pe.campaigns.delete(launch.id)).toEqual({ id: launch.id, deleted: true });
    expect((await pe.posts.get(filed.post_id)) as unknown).toMatchObject({ campaign_id: null }); // the post stays, in no campaign
    expect(await pe.campaigns.get(launch.id).catch((e: unknown) => e)).toMatchObject({ status: 404 });
    await pe.campaigns.delete(other.id);

    expect(await pe.posts.delete(filed.post_id)).toMatchObject({ message: expect.stringContaining('deleted') });
    expect(await pe.posts.get(filed.post_id).catch((e: unknown) => e)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('retries a failed post, and failed posts by filter or by id; a post with nothing failed is refused', async () => {
    // Pinterest refuses a 50×50 image: the post fails.
    const tiny = await pe.media.uploadFromUrl({ url: `${images.url}/small.png` });
    const failOnce = async () => {
      const created = await pe.posts.create({
        content: 'Tiny apron',
        account_ids: [accountNumber],
        media_ids: [tiny.media_id],
        platform_content: { pinterest: { board: 'Products' } },
      });
      return waitFor(async () => ((await pe.posts.get(created.post_id)).post_status === 'failed' ? created.post_id : undefined), 'the post to fail');
    };
    const a = await failOnce();
    const failed = await pe.posts.get(a);
    expect(failed.destinations![0]).toMatchObject({ status: 'failed', last_error: { kind: 'rejected' } });
    expect((await pe.accounts.health(accountNumber)).activity.permanent_failures_last_7d).toBe(1);

    expect(await pe.posts.retry(a)).toEqual({ message: '1 failed destination queued again', retried: 1 });
    await waitFor(async () => ((await pe.posts.get(a)).post_status === 'failed' ? true : undefined), 'the retried post to fail again');
    const nothing = await pe.posts.retry(scheduledId).catch((e: unknown) => e); // a scheduled post has nothing failed
    expect(nothing).toMatchObject({ status: 409, code: 'conflict' });

    const refused = await pe.posts.retryFailed({}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    const byFilter = await pe.posts.retryFailed({ platform: 'pinterest', account_id: accountNumber });
    expect(byFilter.retried_count).toBe(1);
    expect(byFilter.destinations).toEqual([{ destination_id: failed.destinations![0]!.id, post_id: a, platform: 'pinterest', new_status: 'queued' }]);
    await waitFor(async () => ((await pe.posts.get(a)).post_status === 'failed' ? true : undefined), 'the post to fail a third time');
    const byId = await pe.posts.retryFailed({ post_ids: [a, scheduledId] });
    expect(byId.destinations.map((d) => d.post_id)).toEqual([a]);
    expect((await pe.posts.retryFailed({ max_attempts: 3 }).catch((e: unknown) => e)) as ValidationError).toBeInstanceOf(ValidationError);
  });

  it('manages webhooks and sends a test event to the endpoint', async () => {
    const created = await pe.webhooks.create({ url: receiver.url, events: ['post.published', 'post.failed'], name: 'shop hook', description: 'orders' });
    expect(created).toMatchObject({
      url: receiver.url,
      events: ['post.published', 'post.failed'],
      name: 'shop hook',
      description: 'orders',
      is_active: true,
      consecutive_failures: 0,
      last_delivery_at: null,
    });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created.secret_warning).toContain('once');
    const got = await pe.webhooks.get(created.id);
    expect(got).not.toHaveProperty('secret');
    expect((await pe.webhooks.list()).webhooks.map((w) => w.id)).toEqual([created.id]);

    const tested = await pe.webhooks.test(created.id);
    expect(tested).toMatchObject({ ok: true, status: 200, error: null });
    expect(receiver.requests.length).toBeGreaterThanOrEqual(1);
    expect((await pe.webhooks.get(created.id)).last_success_at).toMatch(ISO);

    const updated = await pe.webhooks.update(created.id, { name: 'renamed', is_active: false, events: ['account.reconnect_needed'] });
    expect(updated).toMatchObject({ name: 'renamed', is_active: false, events: ['account.reconnect_needed'] });
    const unsupported = await pe.webhooks.create({ url: receiver.url, events: ['media.uploaded'] }).catch((e: unknown) => e);
    expect(unsupported).toBeInstanceOf(ValidationError);
    expect((unsupported as ValidationError).message).toContain('media.uploaded');
    expect(await pe.webhooks.delete(created.id)).toEqual({ id: created.id, deleted: true });
    expect((await pe.webhooks.list()).webhooks).toEqual([]);
  });

  it('refuses AI image generation clearly, and suggests captions from Pinion’s own engine', async () => {
    const err = await pe.ai.generateImage({ prompt: 'a sunset' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PostEverywhereError);
    expect(err).toMatchObject({ status: 501, code: 'not_supported' });
    const captions = await pe.ai.generateCaption({ topic: 'Hand-dyed indigo linen aprons for home cooks.', platform: 'pinterest', count: 2 });
    expect(captions.captions.length).toBeGreaterThanOrEqual(1);
    expect(captions.captions.join(' ')).toContain('indigo');
    expect(captions).toMatchObject({ platform: 'pinterest', count_requested: 2, credits_used: 0 });
  });

  it('sent every request to the local Pinion, and logged none of the key', () => {
    expect(routing.seen.length).toBeGreaterThan(20);
    expect(routing.seen).toContain('POST /api/v1/posts/bulk');
    expect(p.logs.join('')).not.toContain(key.slice(8));
  });
});
