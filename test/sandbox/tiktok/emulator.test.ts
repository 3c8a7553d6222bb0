import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTikTokSandbox, type TikTokSandboxOptions } from '../../../src/sandbox/tiktok/index.js';
import { mp4 } from '../../connectors/tiktok/support.js';

const MB = 1024 * 1024;
const APP = { client_key: 'pinion-sandbox', client_secret: 'pinion-sandbox-secret' };
const ALL = ['user.info.basic', 'video.publish', 'video.upload'];

describe('the TikTok emulator', () => {
  let server: Awaited<ReturnType<typeof startTikTokSandbox>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(options: TikTokSandboxOptions = {}) {
    server = await startTikTokSandbox({ processingMs: 100, ...options });
    const user = server.sandbox.createUser({ username: 'maker' });
    const tokens = server.sandbox.issueTokens(user.openId, ALL);
    const call = async (path: string, body?: unknown, token = tokens.access_token) => {
      const res = await fetch(`${server!.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      return { status: res.status, json: (await res.json()) as { data: Record<string, any>; error: { code: string; message: string; log_id: string } } };
    };
    const put = (url: string, bytes: Buffer, range: string, type = 'video/mp4') =>
      fetch(url, { method: 'PUT', headers: { 'content-type': type, 'content-range': range }, body: new Uint8Array(bytes) });
    return { user, tokens, call, put };
  }

  const direct = (source: Record<string, unknown>, privacy = 'PUBLIC_TO_EVERYONE') => ({
    post_info: { title: 'Hi', privacy_level: privacy },
    source_info: { source: 'FILE_UPLOAD', ...source },
  });

  it("answers in TikTok's envelope: data plus error {code, message, log_id}, code ok on success", async () => {
    const { call } = await start();
    const ok = await call('/v2/post/publish/creator_info/query/');
    expect(ok.status).toBe(200);
    expect(ok.json.error).toEqual({ code: 'ok', message: '', log_id: expect.stringMatching(/^\d{14}[0-9A-F]{20}$/) });
    expect(ok.json.data).toMatchObject({
      creator_username: 'maker',
      privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'],
    });
    const bad = await call('/v2/post/publish/creator_info/query/', {}, 'act.nope');
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ data: {}, error: { code: 'access_token_invalid' } });
  });

  it('can carry errors with HTTP 200, the error only in the body', async () => {
    const { call } = await start({ errorsWithHttp200: true });
    const bad = await call('/v2/post/publish/video/init/', direct({ video_size: 12 * MB, chunk_size: 5 * MB, total_chunk_count: 3 }));
    expect(bad.status).toBe(200);
    expect(bad.json.error.code).toBe('invalid_param');
  });

  it('checks the chunk rules at init, then each chunk’s Content-Range, order and length; moves through PROCESSING_UPLOAD to PUBLISH_COMPLETE', async () => {
    const { call, put, user } = await start();
    const bytes = mp4({ bytes: 12 * MB });
    const size = bytes.length;
    expect((await call('/v2/post/publish/video/init/', direct({ video_size: size, chunk_size: 5 * MB, total_chunk_count: 3 }))).json.error.code).toBe(
      'invalid_param',
    );
    const init = await call('/v2/post/publish/video/init/', direct({ video_size: size, chunk_size: 5 * MB, total_chunk_count: 2 }));
    expect(init.json.error.code).toBe('ok');
    const { publish_id, upload_url } = init.json.data as { publish_id: string; upload_url: string };
    const status = async () => (await call('/v2/post/publish/status/fetch/', { publish_id })).json.data;
    expect(await status()).toMatchObject({ status: 'PROCESSING_UPLOAD', uploaded_bytes: 0 });

    const first = bytes.subarray(0, 5 * MB);
    const rest = bytes.subarray(5 * MB);
    expect((await put(upload_url, rest, `bytes ${5 * MB}-${size - 1}/${size}`)).status).toBe(416); // out of order
    expect((await put(upload_url, first, `bytes 0-${5 * MB - 1}/${size + 1}`)).status).toBe(416); // wrong total
    expect((await put(upload_url, first, `bytes 0-${5 * MB - 1}/${size}`, 'image/png')).status).toBe(415);
    expect((await put(upload_url, first, `bytes 0-${5 * MB - 1}/${size}`)).status).toBe(206);
    // The same chunk again (its answer was lost) changes nothing.
    expect((await put(upload_url, first, `bytes 0-${5 * MB - 1}/${size}`)).status).toBe(206);
    expect(await status()).toMatchObject({ status: 'PROCESSING_UPLOAD', uploaded_bytes: 5 * MB });
    expect((await put(upload_url, rest, `bytes ${5 * MB}-${size - 1}/${size}`)).status).toBe(201);
    expect(await status()).toMatchObject({ status: 'PROCESSING_UPLOAD', uploaded_bytes: size });
    await new Promise((r) => setTimeout(r, 150));
    const done = await status();
    expect(done.status).toBe('PUBLISH_COMPLETE');
    expect(done.publicaly_available_post_id).toEqual([server!.sandbox.state.postsOf(user.openId)[0]!.id]);
  });

  it('fails processing of bytes that are not a video with file_format_check_failed', async () => {
    const { call, put } = await start();
    const junk = Buffer.alloc(1000, 7);
    const { publish_id, upload_url } = (await call('/v2/post/publish/video/init/', direct({ video_size: 1000, chunk_size: 1000, total_chunk_count: 1 }))).json
      .data;
    expect((await put(upload_url, junk, 'bytes 0-999/1000')).status).toBe(201);
    await new Promise((r) => setTimeout(r, 150));
    expect((await call('/v2/post/publish/status/fetch/', { publish_id })).json.data).toMatchObject({
      status: 'FAILED',
      fail_reason: 'file_format_check_failed',
    });
  });

  it('limits inits to 6 a minute per token, and refuses a privacy level the creator does not offer', async () => {
    const { call, user } = await start();
    user.privacyLevelOptions = ['SELF_ONLY'];
    const mismatch = await call('/v2/post/publish/video/init/', direct({ video_size: 100, chunk_size: 100, total_chunk_count: 1 }));
    expect(mismatch).toMatchObject({ status: 403, json: { error: { code: 'privacy_level_option_mismatch' } } });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++)
      codes.push((await call('/v2/post/publish/video/init/', direct({ video_size: 100, chunk_size: 100, total_chunk_count: 1 }, 'SELF_ONLY'))).json.error.code);
    expect(codes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'rate_limit_exceeded']);
  });

  it('checks the PKCE verifier against a hex SHA-256 challenge, and rotates refresh tokens', async () => {
    const { user } = await start();
    const verifier = 'v'.repeat(64);
    const authorize = new URL(`${server!.url}/v2/auth/authorize/`);
    const q = {
      client_key: APP.client_key,
      scope: ALL.join(','),
      response_type: 'code',
      redirect_uri: 'http://127.0.0.1:1/cb',
      state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('hex'),
      code_challenge_method: 'S256',
    };
    const form = new URLSearchParams({ ...q, username: user.username, decision: 'approve' });
    const token = (extra: Record<string, string>) =>
      fetch(`${server!.url}/v2/oauth/token/`, { method: 'POST', body: new URLSearchParams({ ...APP, ...extra }) }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as Record<string, any>,
      }));
    const approve = async () =>
      new URL((await fetch(authorize, { method: 'POST', body: form, redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;

    const wrong = await token({ grant_type: 'authorization_code', code: await approve(), redirect_uri: q.redirect_uri, code_verifier: 'w'.repeat(64) });
    expect(wrong).toMatchObject({ status: 400, json: { error: 'invalid_request', error_description: 'Code verifier or code challenge is invalid.' } });
    const good = await token({ grant_type: 'authorization_code', code: await approve(), redirect_uri: q.redirect_uri, code_verifier: verifier });
    expect(good.json).toMatchObject({ open_id: user.openId, scope: ALL.join(','), expires_in: 7200, refresh_expires_in: 180 * 86400, token_type: 'Bearer' });
    const next = await token({ grant_type: 'refresh_token', refresh_token: good.json.refresh_token });
    expect(next.json.refresh_token).not.toBe(good.json.refresh_token);
    expect(await token({ grant_type: 'refresh_token', refresh_token: good.json.refresh_token })).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant' },
    });
    expect((await token({ grant_type: 'refresh_token', refresh_token: next.json.refresh_token })).status).toBe(200);
  });

  it('refuses a daily post over the cap with spam_risk_too_many_posts, and an unverified pull URL', async () => {
    const { call } = await start({ dailyPostCap: 1, verifiedUrlPrefixes: ['https://media.example.com/'] });
    expect((await call('/v2/post/publish/video/init/', direct({ video_size: 100, chunk_size: 100, total_chunk_count: 1 }))).json.error.code).toBe('ok');
    expect((await call('/v2/post/publish/video/init/', direct({ video_size: 100, chunk_size: 100, total_chunk_count: 1 }))).json.error.code).toBe(
      'spam_risk_too_many_posts',
    );
    const pull = await call('/v2/post/publish/inbox/video/init/', {
      source_info: { source: 'PULL_FROM_URL', video_url: 'https://elsewhere.example.com/v.mp4' },
    });
    expect(pull.json.error.code).toBe('url_ownership_unverified');
  });
});
