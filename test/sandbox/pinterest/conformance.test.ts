import { check as checkAgainst, loadValidator, type Api } from '../../helpers/pinterest-spec.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, Client, fakeMp4, png, recordingFetch, sleep, startImageServer, startSandbox, uploadMedia, type Exchange } from './support.js';

let api: Api;
const check = (exchange: Exchange & { offSpecRequest?: boolean }) => checkAgainst(api, exchange);

const EMULATED = [
  'oauth/token',
  'token/revoke',
  'user_account/get',
  'boards/list',
  'boards/create',
  'boards/get',
  'boards/update',
  'boards/delete',
  'boards/list_pins',
  'board_sections/list',
  'board_sections/create',
  'board_sections/update',
  'board_sections/delete',
  'board_sections/list_pins',
  'pins/list',
  'pins/create',
  'pins/get',
  'pins/update',
  'pins/delete',
  'pins/save',
  'media/list',
  'media/create',
  'media/get',
];

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let images: Awaited<ReturnType<typeof startImageServer>>;
const log: Array<Exchange & { offSpecRequest?: boolean }> = [];

beforeAll(async () => {
  api = await loadValidator();
  sandbox = await startSandbox({
    mediaProcessingMs: 100,
    rateLimits: { org_read: { limit: 1000, windowSeconds: 60 }, org_write: { limit: 1000, windowSeconds: 60 } },
  });
  images = await startImageServer();
});
afterAll(async () => {
  await sandbox.close();
  await images.close();
});

describe('conformance to the official Pinterest v5.23 OpenAPI spec', () => {
  it('the validator really rejects deviations (self-check)', () => {
    const pinsCreate = api.router.getOperation('pins/create');
    expect(pinsCreate).toBeDefined();
    expect(api.validator.validateResponse({ id: 'abc' }, pinsCreate!, 201).valid).toBe(false);
    expect(api.validator.validateResponse({ id: '1', media: { media_type: 'hologram' } }, pinsCreate!, 201).valid).toBe(false);
    expect(api.validator.validateResponse({ id: '1', created_at: 'yesterday' }, pinsCreate!, 201).valid).toBe(false);
    expect(api.validator.validateResponse({ id: '1', created_at: '2022-13-05T01:19:00' }, pinsCreate!, 201).valid).toBe(false);
    // Production's zone-less times (see ZONE_OPTIONAL_DATE_TIME) pass, as do zoned ones.
    expect(api.validator.validateResponse({ id: '1', created_at: '2022-12-05T01:19:00' }, pinsCreate!, 201).valid).toBe(true);
    expect(api.validator.validateResponse({ id: '1', created_at: '2022-12-05T01:19:00Z' }, pinsCreate!, 201).valid).toBe(true);
    expect(api.validator.validateResponse({ code: '8', message: 'x' }, pinsCreate!, 429).valid).toBe(false);
    expect(api.validator.validateResponse({ id: '1', creative_type: null }, pinsCreate!, 201).valid).toBe(true);
    const fake: Exchange = {
      method: 'GET',
      url: new URL('http://x/v5/boards'),
      requestHeaders: {},
      requestBody: undefined,
      status: 200,
      responseHeaders: new Headers({ 'content-type': 'application/json' }),
      responseBody: { items: [{ id: '1' }], bookmark: null },
    };
    expect(check(fake).findings.length).toBeGreaterThan(0);
  });

  it('every response of a scripted session (and every request it sends) matches the spec', async () => {
    const doFetch = recordingFetch(log);
    const offSpec = async (run: () => Promise<unknown>) => {
      const before = log.length;
      await run();
      for (const entry of log.slice(before)) entry.offSpecRequest = true;
    };
    const state = sandbox.sandbox;
    const redirectUri = 'http://127.0.0.1:9/cb';
    const tokenCall = (form: Record<string, string>) =>
      doFetch(`${sandbox.url}/v5/oauth/token`, {
        method: 'POST',
        headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });

    // OAuth: code exchange, refresh, bad refresh, revoke.
    const approve = await fetch(`${sandbox.url}/oauth/`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        client_id: 'pinion-sandbox',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'boards:read,boards:write,pins:read,pins:write,user_accounts:read',
        state: 's',
        decision: 'approve',
      }),
    });
    const code = new URL(approve.headers.get('location')!).searchParams.get('code')!;
    const exchanged = (await (await tokenCall({ grant_type: 'authorization_code', code, redirect_uri: redirectUri })).json()) as any;
    const refreshed = (await (await tokenCall({ grant_type: 'refresh_token', refresh_token: exchanged.refresh_token })).json()) as any;
    await tokenCall({ grant_type: 'refresh_token', refresh_token: exchanged.refresh_token });
    await tokenCall({ grant_type: 'authorization_code', code: 'nope', redirect_uri: redirectUri });
    await doFetch(`${sandbox.url}/v5/oauth/token/revoke`, {
      method: 'POST',
      headers: { authorization: basicAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: exchanged.access_token, token_type_hint: 'access_token' }).toString(),
    });

    const client = new Client(sandbox.url, refreshed.access_token, doFetch);
    const user = state.state.tokens.get(refreshed.access_token)!;
    const narrow = new Client(sandbox.url, state.issueTokens(user.userId, ['boards:read']).access_token, doFetch);

    await client.call('GET', '/v5/user_account');
    await new Client(sandbox.url, 'pina_invalid', doFetch).call('GET', '/v5/user_account');
    await narrow.call('GET', '/v5/user_account');

    // Boards.
    const board = (await client.call('POST', '/v5/boards', { name: 'Conformance', description: 'd', privacy: 'PUBLIC' })).body;
    await client.call('POST', '/v5/boards', { name: 'Conformance' });
    await narrow.call('POST', '/v5/boards', { name: 'Scope' });
    await client.call('GET', '/v5/boards?page_size=1&privacy=ALL');
    await offSpec(() => client.call('GET', '/v5/boards?page_size=251'));
    await client.call('GET', `/v5/boards/${board.id}`);
    await client.call('GET', '/v5/boards/1');
    await client.call('PATCH', `/v5/boards/${board.id}`, { description: 'updated', privacy: 'SECRET' });
    const doomed = (await client.call('POST', '/v5/boards', { name: 'Doomed', is_ads_only: false })).body;
    await client.call('DELETE', `/v5/boards/${doomed.id}`);
    await client.call('DELETE', `/v5/boards/${doomed.id}`);

    // Sections.
    const section = (await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'Section' })).body;
    await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'Section' });
    await offSpec(() => client.call('POST', `/v5/boards/${board.id}/sections`, { name: '' }));
    await client.call('GET', `/v5/boards/${board.id}/sections`);
    await client.call('PATCH', `/v5/boards/${board.id}/sections/${section.id}`, { name: 'Renamed' });
    const extra = (await client.call('POST', `/v5/boards/${board.id}/sections`, { name: 'Extra' })).body;
    await client.call('DELETE', `/v5/boards/${board.id}/sections/${extra.id}`);
    await client.call('DELETE', `/v5/boards/${board.id}/sections/${extra.id}`);

    // Pins: every media source, and the documented errors.
    const data = (await png(150, 150)).toString('base64');
    const base = { board_id: board.id, title: 'T', description: 'D', link: 'https://example.com/', alt_text: 'A' };
    const regular = (await client.call('POST', '/v5/pins', { ...base, media_source: { source_type: 'image_url', url: `${images.url}/good.png` } })).body;
    await client.call('POST', '/v5/pins', {
      ...base,
      board_section_id: section.id,
      media_source: { source_type: 'image_base64', content_type: 'image/png', data },
    });
    await client.call('POST', '/v5/pins', {
      ...base,
      media_source: { source_type: 'multiple_image_urls', items: [{ url: `${images.url}/good.png`, title: 'a' }, { url: `${images.url}/good.jpg` }] },
    });
    await client.call('POST', '/v5/pins', {
      ...base,
      media_source: {
        source_type: 'multiple_image_base64',
        items: [
          { content_type: 'image/png', data },
          { content_type: 'image/png', data, link: 'https://example.com/2' },
        ],
      },
    });
    const upload = (await client.call('POST', '/v5/media', { media_type: 'video' })).body;
    await client.call('GET', `/v5/media/${upload.media_id}`);
    await client.call('POST', '/v5/pins', { ...base, media_source: { source_type: 'video_id', media_id: upload.media_id } });
    await uploadMedia(upload, fakeMp4());
    await client.call('GET', `/v5/media/${upload.media_id}`);
    await sleep(150);
    await client.call('POST', '/v5/pins', {
      ...base,
      media_source: { source_type: 'video_id', media_id: upload.media_id, cover_image_url: `${images.url}/good.png` },
    });
    await client.call('POST', '/v5/pins', { ...base, media_source: { source_type: 'video_id', media_id: upload.media_id, cover_image_key_frame_time: 0 } });
    await client.call('GET', '/v5/media');
    await client.call('GET', '/v5/media/1');
    await client.call('POST', '/v5/pins', { ...base, media_source: { source_type: 'image_url', url: `${images.url}/broken.png` } });
    await client.call('POST', '/v5/pins', { ...base, media_source: { source_type: 'image_url', url: `${images.url}/small.png` } });
    await client.call('POST', '/v5/pins', { ...base, link: 'not a url', media_source: { source_type: 'image_base64', content_type: 'image/png', data } });
    await client.call('POST', '/v5/pins', { ...base, board_id: '1', media_source: { source_type: 'image_base64', content_type: 'image/png', data } });
    await client.call('POST', '/v5/pins', { ...base, board_section_id: '1', media_source: { source_type: 'image_base64', content_type: 'image/png', data } });
    await offSpec(() =>
      client.call('POST', '/v5/pins', { ...base, title: 'x'.repeat(101), media_source: { source_type: 'image_base64', content_type: 'image/png', data } }),
    );
    await offSpec(() =>
      client.call('POST', '/v5/pins', { ...base, media_source: { source_type: 'multiple_image_base64', items: [{ content_type: 'image/png', data }] } }),
    );
    await narrow.call('POST', '/v5/pins', { ...base, media_source: { source_type: 'image_base64', content_type: 'image/png', data } });

    await client.call('GET', `/v5/pins/${regular.id}`);
    await client.call('GET', '/v5/pins/1');
    await client.call('GET', '/v5/pins?page_size=2');
    await client.call('GET', `/v5/boards/${board.id}/pins?page_size=3`);
    await client.call('GET', `/v5/boards/1/pins`);
    await client.call('GET', `/v5/boards/${board.id}/sections/${section.id}/pins`);
    await client.call('GET', `/v5/boards/${board.id}/sections/1/pins`);
    await client.call('PATCH', `/v5/pins/${regular.id}`, { title: 'New', board_section_id: section.id });
    await client.call('PATCH', `/v5/pins/1`, { title: 'New' });
    await client.call('POST', `/v5/pins/${regular.id}/save`, { board_id: board.id });
    await client.call('POST', `/v5/pins/1/save`, { board_id: board.id });
    await client.call('DELETE', `/v5/pins/${regular.id}`);
    await client.call('DELETE', `/v5/pins/${regular.id}`);

    // Rate limit and injected 5xx.
    const limited = await startSandbox({ rateLimits: { org_read: { limit: 1, windowSeconds: 60 } } });
    try {
      const u = limited.sandbox.createUser();
      const limitedClient = new Client(limited.url, limited.sandbox.issueTokens(u.id, ['boards:read']).access_token, doFetch);
      await limitedClient.call('GET', '/v5/boards');
      await limitedClient.call('GET', '/v5/boards');
      limited.sandbox.setFaults({ errorRate: 1 });
      limited.sandbox.reset();
      const u2 = limited.sandbox.createUser();
      limited.sandbox.setFaults({ errorRate: 1 });
      await new Client(limited.url, limited.sandbox.issueTokens(u2.id, ['boards:read']).access_token, doFetch).call('GET', '/v5/boards');
    } finally {
      await limited.close();
    }

    const v5 = log.filter((e) => e.url.pathname.startsWith('/v5/'));
    const results = v5.map(check);
    const findings = results.flatMap((r) => r.findings);
    expect(findings).toEqual([]);

    const covered = new Set(results.map((r) => r.operationId));
    expect(EMULATED.filter((id) => !covered.has(id))).toEqual([]);
    const statuses = new Set(v5.map((e) => e.status));
    for (const status of [200, 201, 204, 400, 401, 403, 404, 409, 429]) expect(statuses, `status ${status} exercised`).toContain(status);
    expect([...statuses].some((s) => s >= 500)).toBe(true);
  });
});
