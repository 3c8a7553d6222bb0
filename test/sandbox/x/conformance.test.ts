import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { checkExchange, type Api } from '../../helpers/openapi-spec.js';
import { loadXValidator } from '../../helpers/x-spec.js';
import {
  ALL_POSTING_SCOPES,
  approve,
  basicAuth,
  Client,
  fakeMp4,
  jpeg,
  pkce,
  recordingFetch,
  REDIRECT_URI,
  startSandbox,
  token,
  type Exchange,
} from './support.js';

/** Every operation the sandbox emulates, by the spec's operationId. */
const EMULATED = [
  'getUsersMe',
  'createPosts',
  'deletePosts',
  'getPostsById',
  'getUsersPosts',
  'mediaUpload',
  'getMediaUploadStatus',
  'initializeMediaUpload',
  'appendMediaUpload',
  'finalizeMediaUpload',
  'createMediaMetadata',
];
/** The spec names the token URL only in its security scheme and defines no operation for these. */
const NOT_IN_SPEC = ['POST /2/oauth2/token', 'POST /2/oauth2/revoke'];

const clock = new ManualClock();
let api: Api;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const log: Exchange[] = [];

beforeAll(async () => {
  api = await loadXValidator();
  sandbox = await startSandbox({ clock, mediaProcessingMs: 2000, rateLimits: { 'GET /2/users/me': { user: { limit: 1000, windowSeconds: 900 } } } });
});
afterAll(() => sandbox.close());

describe('conformance to the official X API v2 OpenAPI spec (v2.167)', () => {
  it('the validator really rejects deviations (self-check)', () => {
    const create = api.router.getOperation('createPosts')!;
    const response = (status: number, body: unknown, type = 'application/json'): Exchange => ({
      method: 'POST',
      url: new URL('http://x/2/tweets'),
      requestHeaders: { 'content-type': 'application/json' },
      requestBody: { text: 'hi' },
      status,
      responseHeaders: new Headers({ 'content-type': type }),
      responseBody: body,
    });
    expect(create).toBeDefined();
    expect(checkExchange(api, response(201, { data: { id: '1', text: 'hi' } })).findings).toEqual([]);
    expect(checkExchange(api, response(201, { data: { id: 'abc', text: 'hi' } })).findings).not.toEqual([]);
    expect(checkExchange(api, response(201, { data: { id: '1' } })).findings).not.toEqual([]);
    expect(
      checkExchange(api, response(403, { title: 'Forbidden', type: 'https://api.x.com/2/problems/made-up', detail: 'x' }, 'application/problem+json')).findings,
    ).not.toEqual([]);
    expect(
      checkExchange(api, response(429, { title: 'Too Many Requests', type: 'about:blank', detail: 'x', status: 429, extra: 1 }, 'application/problem+json'))
        .findings,
    ).not.toEqual([]);
    expect(
      checkExchange(api, response(400, { title: 'x', detail: 'x', type: 'https://api.x.com/2/problems/invalid-request' }, 'text/plain')).findings,
    ).not.toEqual([]);
    expect(checkExchange(api, { ...response(201, { data: { id: '1', text: 'hi' } }), requestBody: { text: 'hi', colour: 'red' } }).findings).not.toEqual([]);
  });

  it('every request of a scripted session, and every answer, matches the spec', async () => {
    const doFetch = recordingFetch(log);
    const offSpec = async (run: () => Promise<unknown>) => {
      const before = log.length;
      await run();
      for (const entry of log.slice(before)) entry.offSpecRequest = true;
    };

    // OAuth (outside the spec): code exchange, refresh, revoke.
    const { verifier, challenge } = pkce();
    const location = new URL((await approve(sandbox.url, { code_challenge: challenge })).headers.get('location') ?? '');
    const tokens = (
      await token(
        sandbox.url,
        { grant_type: 'authorization_code', code: location.searchParams.get('code') ?? '', redirect_uri: REDIRECT_URI, code_verifier: verifier },
        basicAuth(),
        doFetch,
      )
    ).body;
    const refreshed = (await token(sandbox.url, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, basicAuth(), doFetch)).body;
    await doFetch(`${sandbox.url}/2/oauth2/revoke`, {
      method: 'POST',
      headers: { authorization: basicAuth() },
      body: new URLSearchParams({ token: tokens.access_token }),
    });

    const client = new Client(sandbox.url, refreshed.access_token, doFetch);
    const me = (await client.call('GET', '/2/users/me?user.fields=created_at,username')).body.data;
    await new Client(sandbox.url, 'not-a-token', doFetch).call('GET', '/2/users/me');
    const narrow = new Client(sandbox.url, sandbox.sandbox.issueTokens(me.id, ['tweet.read', 'users.read']).access_token, doFetch);
    await narrow.call('POST', '/2/tweets', { text: 'no write scope' });

    // Posts.
    const first = (await client.call('POST', '/2/tweets', { text: 'Conformance', reply_settings: 'following', nullcast: false })).body.data;
    await client.call('POST', '/2/tweets', { text: 'Conformance' });
    await client.call('POST', '/2/tweets', { text: 'x'.repeat(281) });
    await client.call('POST', '/2/tweets', { text: 'reply', reply: { in_reply_to_tweet_id: first.id } });
    await client.call('POST', '/2/tweets', { text: 'quote', quote_tweet_id: first.id });
    await client.call('POST', '/2/tweets', { text: 'orphan', reply: { in_reply_to_tweet_id: '1' } });
    await client.call('POST', '/2/tweets', { text: 'poll', poll: { options: ['yes', 'no'], duration_minutes: 60 } });
    await client.call('POST', '/2/tweets', { text: 'bad media', media: { media_ids: ['1'] } });
    await offSpec(() => client.call('POST', '/2/tweets', { text: 'unknown', colour: 'red' }));
    await offSpec(() => client.call('POST', '/2/tweets', { text: 'poll', poll: { options: ['one'], duration_minutes: 60 } }));
    await client.call('GET', `/2/tweets/${first.id}?post.fields=created_at,conversation_id,reply_settings,attachments,public_metrics`);
    await client.call('GET', '/2/tweets/1');
    await client.call('GET', `/2/users/${me.id}/tweets?max_results=5&post.fields=created_at&start_time=2030-12-31T00:00:00Z`);
    const page = (await client.call('GET', `/2/users/${me.id}/tweets?max_results=5`)).body;
    await client.call('GET', `/2/users/${me.id}/tweets?max_results=5&pagination_token=${page.meta.next_token}`);
    await client.call('GET', `/2/users/${me.id}/tweets?start_time=2040-01-01T00:00:00Z`);
    await client.call('GET', '/2/users/1/tweets');
    await offSpec(() => client.call('GET', `/2/users/${me.id}/tweets?max_results=3`));

    // Media: one-shot image, chunked video through processing, a failed video, metadata.
    const image = (await client.form('/2/media/upload', { media_category: 'tweet_image', media: await jpeg(64, 48) })).body.data;
    await client.form('/2/media/upload', { media_category: 'tweet_image', media: Buffer.from('not an image') });
    await client.call('POST', '/2/media/metadata', { id: image.id, metadata: { alt_text: { text: 'A blue rectangle' } } });
    await client.call('POST', '/2/media/metadata', { id: '1', metadata: { alt_text: { text: 'missing' } } });
    await offSpec(() => client.call('POST', '/2/media/metadata', { id: image.id, metadata: { alt_text: { text: 'x'.repeat(1001) } } }));
    const video = await client.uploadChunked(fakeMp4(5000), 'video/mp4', 'tweet_video', 2048);
    await client.call('GET', `/2/media/upload?media_id=${video.id}&command=STATUS`);
    await clock.advance(1000);
    await client.call('GET', `/2/media/upload?media_id=${video.id}&command=STATUS`);
    await clock.advance(1000);
    await client.call('GET', `/2/media/upload?media_id=${video.id}`);
    await client.call('GET', '/2/media/upload?media_id=1');
    const broken = await client.uploadChunked(Buffer.alloc(100, 1), 'video/mp4', 'tweet_video');
    await clock.advance(2000);
    await client.call('GET', `/2/media/upload?media_id=${broken.id}&command=STATUS`);
    await client.call('POST', '/2/media/upload/initialize', { media_type: 'image/png', total_bytes: 6 * 1024 * 1024 });
    const short = (await client.call('POST', '/2/media/upload/initialize', { media_type: 'image/png', total_bytes: 1000, media_category: 'tweet_image' })).body
      .data;
    await client.form(`/2/media/upload/${short.id}/append`, { segment_index: '0', media: Buffer.alloc(10) });
    await offSpec(() => client.form(`/2/media/upload/${short.id}/append`, { segment_index: '1000', media: Buffer.alloc(10) }));
    await client.call('POST', `/2/media/upload/${short.id}/finalize`);
    const post = (await client.call('POST', '/2/tweets', { text: 'with media', media: { media_ids: [image.id] } })).body.data;
    await client.call('POST', '/2/tweets', { text: 'with video', media: { media_ids: [video.id] } });
    await client.call('DELETE', `/2/tweets/${post.id}`);
    await client.call('DELETE', `/2/tweets/${post.id}`);
    await new Client(sandbox.url, sandbox.sandbox.issueTokens(sandbox.sandbox.createUser().id, ALL_POSTING_SCOPES).access_token, doFetch).call(
      'DELETE',
      `/2/tweets/${first.id}`,
    );

    // Rate limit and an injected 5xx.
    const limited = await startSandbox({ rateLimits: { 'GET /2/users/me': { user: { limit: 1, windowSeconds: 900 } } } });
    try {
      const u = limited.sandbox.createUser();
      const c = new Client(limited.url, limited.sandbox.issueTokens(u.id, ALL_POSTING_SCOPES).access_token, doFetch);
      await c.call('GET', '/2/users/me');
      await c.call('GET', '/2/users/me');
      limited.sandbox.setFaults({ errorRate: 1, only: ['POST /2/tweets'] });
      await c.call('POST', '/2/tweets', { text: 'faulted' });
    } finally {
      await limited.close();
    }

    const outside = log.filter((e) => NOT_IN_SPEC.includes(`${e.method} ${e.url.pathname}`));
    expect(outside.map((e) => e.status)).toEqual([200, 200, 200]);
    const inSpec = log.filter((e) => !outside.includes(e));
    const results = inSpec.map((e) => checkExchange(api, e));
    expect(results.flatMap((r) => r.findings)).toEqual([]);
    const covered = new Set(results.map((r) => r.operationId));
    expect(EMULATED.filter((id) => !covered.has(id))).toEqual([]);
    const statuses = new Set(inSpec.map((e) => e.status));
    for (const status of [200, 201, 400, 401, 403, 404, 429]) expect(statuses, `status ${status} exercised`).toContain(status);
    expect([...statuses].some((s) => s >= 500)).toBe(true);
  });
});
