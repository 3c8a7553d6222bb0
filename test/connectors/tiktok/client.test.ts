import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/connectors/errors.js';
import { TikTokClient, chunkPlan, tiktokPublisher, type TikTokPayload, type TikTokProgress } from '../../../src/connectors/tiktok/index.js';
import { mp4 } from './support.js';
import { startTikTokSandbox, type TikTokSandboxOptions } from '../../../src/sandbox/tiktok/index.js';

const ALL = ['user.info.basic', 'video.publish', 'video.upload'];

describe('the TikTok client', () => {
  let server: Awaited<ReturnType<typeof startTikTokSandbox>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  async function start(options: TikTokSandboxOptions = {}) {
    server = await startTikTokSandbox({ processingMs: 50, ...options });
    const client = new TikTokClient({
      apiBaseUrl: server.url,
      authorizeUrl: `${server.url}/v2/auth/authorize/`,
      clientKey: 'pinion-sandbox',
      clientSecret: 'pinion-sandbox-secret',
      timeoutMs: 3000,
    });
    const user = server.sandbox.createUser({ username: 'maker' });
    const tokens = server.sandbox.issueTokens(user.openId, ALL);
    return { client, user, tokens };
  }
  const rejection = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as ConnectorError,
    );

  it('sends the hex SHA-256 of the verifier as code_challenge, with the client key and comma-separated scopes', async () => {
    const { client } = await start();
    const url = new URL(
      client.authorizeUrl({ redirectUri: 'https://pinion.example/cb', state: 'st', codeChallenge: 'base64url-challenge', codeVerifier: 'abc' }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_key: 'pinion-sandbox',
      scope: 'user.info.basic,video.publish,video.upload',
      response_type: 'code',
      redirect_uri: 'https://pinion.example/cb',
      state: 'st',
      code_challenge: createHash('sha256').update('abc').digest('hex'),
      code_challenge_method: 'S256',
    });
  });

  it('classifies errors from the body even when TikTok answers HTTP 200', async () => {
    const { client, tokens } = await start({ errorsWithHttp200: true, rateLimits: { creator_info: 1 }, dailyPostCap: 0 });
    await client.creatorInfo(tokens.access_token);
    const limited = await rejection(client.creatorInfo(tokens.access_token));
    expect(limited).toMatchObject({ kind: 'rate_limited', details: { status: 200 } });
    expect(limited!.details.retryAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const capped = await rejection(
      client.initVideo(
        tokens.access_token,
        { post_info: { privacy_level: 'SELF_ONLY' }, source_info: { source: 'FILE_UPLOAD', video_size: 10, chunk_size: 10, total_chunk_count: 1 } },
        false,
      ),
    );
    expect(capped).toMatchObject({ kind: 'rate_limited', message: expect.stringContaining('spam_risk_too_many_posts') });
    expect(capped!.details.retryAt!.getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(await rejection(client.creatorInfo('act.unknown'))).toMatchObject({ kind: 'auth_expired' });
  });

  it('turns a refused refresh into auth_revoked, and a refused app into misconfigured', async () => {
    const { client, tokens } = await start();
    const rotated = await client.refresh(tokens.refresh_token);
    expect(rotated.refreshToken).not.toBe(tokens.refresh_token);
    expect(rotated.refreshExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 179 * 86_400_000);
    expect(await rejection(client.refresh(tokens.refresh_token))).toMatchObject({ kind: 'auth_revoked' });
    const wrongApp = new TikTokClient({ ...client.app, clientSecret: 'nope' });
    expect(await rejection(wrongApp.refresh(rotated.refreshToken!))).toMatchObject({ kind: 'misconfigured' });
  });

  it('after a lost answer: a known publish id is looked up by status; a lost FILE_UPLOAD init is safe to repeat; a lost pull cannot be searched', async () => {
    const { client, tokens } = await start();
    const publisher = tiktokPublisher(client, { pollMs: 20 });
    const withToken = <T>(call: (t: string) => Promise<T>) => call(tokens.access_token);
    const payload: TikTokPayload = {
      kind: 'video',
      mode: 'direct',
      username: 'maker',
      post_info: { privacy_level: 'PUBLIC_TO_EVERYONE' },
      video: { source: 'PULL_FROM_URL', video_url: 'https://media.example.com/v.mp4' },
    };
    const since = Date.now();
    expect(
      await publisher.findPublished({ payload, since, exclude: new Set(), withToken, progress: { sending: { since, source: 'FILE_UPLOAD' } } }),
    ).toBeNull();
    expect(
      await rejection(publisher.findPublished({ payload, since, exclude: new Set(), withToken, progress: { sending: { since, source: 'PULL_FROM_URL' } } })),
    ).toMatchObject({ kind: 'unknown_outcome' });

    const { publish_id, upload_url } = await client.initVideo(
      tokens.access_token,
      { post_info: { privacy_level: 'PUBLIC_TO_EVERYONE' }, source_info: { source: 'FILE_UPLOAD', video_size: 24, chunk_size: 24, total_chunk_count: 1 } },
      false,
    );
    const progress = { publish: { id: publish_id } };
    expect(await publisher.findPublished({ payload, since, exclude: new Set(), withToken, progress })).toBeNull(); // bytes not in yet
    const ftyp = Buffer.alloc(24);
    ftyp.write('ftypisom', 4, 'latin1');
    await client.uploadChunk(upload_url!, ftyp, { first: 0, last: 23, total: 24 }, 'video/mp4');
    await new Promise((r) => setTimeout(r, 80));
    const found = await publisher.findPublished({ payload, since, exclude: new Set(), withToken, progress });
    expect(found).toEqual({ externalId: expect.stringMatching(/^\d{19}$/), url: `https://www.tiktok.com/@maker/video/${found!.externalId}` });
    expect(await publisher.findPublished({ payload, since, exclude: new Set([found!.externalId]), withToken, progress })).toBeNull();
  });

  it('starts a new publish when the saved upload URL has expired before the bytes were in (that publish can never post), spending one more write', async () => {
    const { client, tokens, user } = await start();
    const later = 2 * 3_600_000; // the retry comes two hours after the first attempt
    const clock = { now: () => Date.now() + later, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 20))) };
    const publisher = tiktokPublisher(client, { clock, pollMs: 20 });
    const bytes = mp4();
    const payload: TikTokPayload = {
      kind: 'video',
      mode: 'direct',
      username: 'maker',
      post_info: { privacy_level: 'SELF_ONLY', disable_comment: true },
      video: { source: 'FILE_UPLOAD', media: 'pinion-media:med_1' },
    };
    const plan = chunkPlan(bytes.length);
    const first = await client.initVideo(tokens.access_token, { post_info: payload.post_info, source_info: { source: 'FILE_UPLOAD', ...plan } }, false);
    let progress: TikTokProgress = {
      publish: { id: first.publish_id, upload: { ...plan, url: first.upload_url!, mime: 'video/mp4', issuedAt: Date.now(), done: 0 } },
    };
    let spent = 0;
    const published = await publisher.publish({
      payload,
      withToken: (call) => call(tokens.access_token),
      readMedia: async () => ({ bytes, mime: 'video/mp4' }),
      readUrl: () => Promise.reject(new Error('no URLs here')),
      progress,
      checkpoint: async (p) => {
        progress = structuredClone(p) as TikTokProgress;
      },
      spend: async () => {
        spent++;
      },
    });
    const posts = server!.sandbox.state.postsOf(user.openId);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.publishId).not.toBe(first.publish_id);
    // A private post gets no public id: the publish id stands for it.
    expect(published).toEqual({ externalId: posts[0]!.publishId, url: 'https://www.tiktok.com/@maker' });
    expect(server!.sandbox.state.publishes.get(first.publish_id)!.upload!.receivedBytes).toBe(0);
    expect(spent).toBe(1);
    expect(progress.publish!.id).toBe(posts[0]!.publishId);
  });
});
