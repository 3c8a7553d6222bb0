import { afterEach, describe, expect, it } from 'vitest';
import { startLinkedInSandbox, type LinkedInSandboxOptions } from '../../../src/sandbox/linkedin/index.js';

type Started = Awaited<ReturnType<typeof startLinkedInSandbox>>;

describe('LinkedIn emulator', () => {
  let s: Started | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  async function setup(options: LinkedInSandboxOptions = {}) {
    s = await startLinkedInSandbox({ activeVersions: ['202610', '202611'], ...options });
    const member = s.sandbox.createMember({ name: 'Ada Lovelace' });
    const other = s.sandbox.createMember({ name: 'Charles Babbage' });
    const org = s.sandbox.createOrganization({ name: 'Analytical Engines', admins: [{ memberId: member.id }] });
    const scopes = ['openid', 'profile', 'w_member_social', 'r_member_social', 'w_organization_social', 'r_organization_social', 'rw_organization_admin'];
    const token = String(s.sandbox.issueTokens(member.id, scopes).access_token);
    const otherToken = String(s.sandbox.issueTokens(other.id, scopes).access_token);
    return { member, org, token, otherToken };
  }
  const call = (path: string, init: { method?: string; token?: string; version?: string | null; restli?: boolean; json?: unknown; body?: Buffer } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.version !== null) headers['linkedin-version'] = init.version ?? '202610';
    if (init.restli !== false) headers['x-restli-protocol-version'] = '2.0.0';
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    if (init.body) headers['content-type'] = 'application/octet-stream';
    return fetch(`${s!.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body && new Blob([new Uint8Array(init.body)]),
    });
  };
  const text = (author: string, commentary = 'Hello') => ({
    author,
    commentary,
    visibility: 'PUBLIC',
    distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
    lifecycleState: 'PUBLISHED',
  });

  it('refuses a sunset or unknown LinkedIn-Version with 426 NONEXISTENT_VERSION, a missing one with 400', async () => {
    const { token } = await setup();
    const old = await call('/rest/posts?q=author&author=x', { token, version: '202401' });
    expect(old.status).toBe(426);
    expect(await old.json()).toEqual({ status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version 202401 is not active' });
    const none = await call('/rest/posts?q=author&author=x', { token, version: null });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ status: 400, code: 'VERSION_MISSING' });
    expect((await call('/rest/organizationAcls?q=roleAssignee', { token, restli: false })).status).toBe(400);
  });

  it('serves the last twelve monthly versions by default', async () => {
    s = await startLinkedInSandbox();
    const m = s.sandbox.createMember();
    const token = String(s.sandbox.issueTokens(m.id, ['rw_organization_admin']).access_token);
    const now = new Date();
    const month = (back: number) => {
      const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
      return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    };
    expect((await call('/rest/organizationAcls?q=roleAssignee', { token, version: month(0) })).status).toBe(200);
    expect((await call('/rest/organizationAcls?q=roleAssignee', { token, version: month(11) })).status).toBe(200);
    expect((await call('/rest/organizationAcls?q=roleAssignee', { token, version: month(12) })).status).toBe(426);
    expect((await call('/rest/organizationAcls?q=roleAssignee', { token, version: month(-1) })).status).toBe(426);
  });

  it('lists the pages a member administers, and lets only their administrators post as them', async () => {
    const { member, org, token, otherToken } = await setup();
    const acls = await (await call('/rest/organizationAcls?q=roleAssignee&state=APPROVED', { token })).json();
    expect(acls.elements).toEqual([
      { roleAssignee: `urn:li:person:${member.id}`, role: 'ADMINISTRATOR', state: 'APPROVED', organization: `urn:li:organization:${org.id}` },
    ]);
    const created = await call('/rest/posts', { method: 'POST', token, json: text(`urn:li:organization:${org.id}`) });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-restli-id')).toMatch(/^urn:li:share:\d+$/);
    expect(await created.text()).toBe('');
    const refused = await call('/rest/posts', { method: 'POST', token: otherToken, json: text(`urn:li:organization:${org.id}`) });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED' });
  });

  it("answers a post missing fields with Rest.li's 422, one line per field", async () => {
    const { token } = await setup();
    const res = await call('/rest/posts', { method: 'POST', token, json: { commentary: 'x' } });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.status).toBe(422);
    expect(body.message.split('\n')).toContain('ERROR :: /author :: field is required but not found and has no default value');
  });

  it("throttles POST /rest/posts per member and per app each UTC day with LinkedIn's 429", async () => {
    const { member, token, otherToken } = await setup({ memberDailyLimit: 2, appDailyLimit: 3 });
    const author = `urn:li:person:${member.id}`;
    expect((await call('/rest/posts', { method: 'POST', token, json: text(author, 'one') })).status).toBe(201);
    expect((await call('/rest/posts', { method: 'POST', token, json: text(author, 'two') })).status).toBe(201);
    const member429 = await call('/rest/posts', { method: 'POST', token, json: text(author, 'three') });
    expect(member429.status).toBe(429);
    expect(await member429.json()).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', message: expect.stringContaining('MEMBER DAY limit') });
    const other = s!.sandbox.state.findMemberByName('Charles Babbage')!;
    // The app's third call of the day was the member's refused one: the fourth is over the app's limit.
    const app429 = await call('/rest/posts', { method: 'POST', token: otherToken, json: text(`urn:li:person:${other.id}`) });
    expect(await app429.json()).toMatchObject({ status: 429, message: expect.stringContaining('APPLICATION DAY limit') });
  });

  it('takes a video in parts: each part exactly its range, finalize with every ETag in order, then PROCESSING → AVAILABLE', async () => {
    const { member, token } = await setup({ videoPartBytes: 10, videoProcessingMs: 50 });
    const owner = `urn:li:person:${member.id}`;
    const init = await (
      await call('/rest/videos?action=initializeUpload', { method: 'POST', token, json: { initializeUploadRequest: { owner, fileSizeBytes: 25 } } })
    ).json();
    const { video, uploadToken, uploadInstructions } = init.value;
    expect(uploadInstructions.map((u: { firstByte: number; lastByte: number }) => [u.firstByte, u.lastByte])).toEqual([
      [0, 9],
      [10, 19],
      [20, 24],
    ]);
    const bytes = Buffer.from('abcdefghijklmnopqrstuvwxy');
    expect(
      (await fetch(uploadInstructions[0].uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: bytes.subarray(0, 5) }))
        .status,
    ).toBe(400);
    const etags: string[] = [];
    for (const u of uploadInstructions) {
      const res = await fetch(u.uploadUrl, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes.subarray(u.firstByte, u.lastByte + 1),
      });
      expect(res.status).toBe(200);
      etags.push(res.headers.get('etag')!);
    }
    const wrongOrder = await call('/rest/videos?action=finalizeUpload', {
      method: 'POST',
      token,
      json: { finalizeUploadRequest: { video, uploadToken, uploadedPartIds: [...etags].reverse() } },
    });
    expect(wrongOrder.status).toBe(400);
    expect(
      (
        await call('/rest/videos?action=finalizeUpload', {
          method: 'POST',
          token,
          json: { finalizeUploadRequest: { video, uploadToken, uploadedPartIds: etags } },
        })
      ).status,
    ).toBe(200);
    const status = async () => (await (await call(`/rest/videos/${encodeURIComponent(video)}`, { token })).json()).status;
    expect(await status()).toBe('PROCESSING');
    await new Promise((r) => setTimeout(r, 80));
    expect(await status()).toBe('AVAILABLE');
  });

  it('refuses a post whose image is not AVAILABLE yet', async () => {
    const { member, token } = await setup({ imageProcessingMs: 10_000 });
    const owner = `urn:li:person:${member.id}`;
    const init = await (await call('/rest/images?action=initializeUpload', { method: 'POST', token, json: { initializeUploadRequest: { owner } } })).json();
    await fetch(init.value.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('img') });
    const res = await call('/rest/posts', { method: 'POST', token, json: { ...text(owner), content: { media: { id: init.value.image } } } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ILLEGAL_ARGUMENT', message: expect.stringContaining('PROCESSING') });
  });

  it('injects faults set through /_sandbox/faults, in LinkedIn error shapes, without side effects', async () => {
    const { member, token } = await setup();
    await fetch(`${s!.url}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ script: [{ operation: 'POST /rest/posts', call: 1, fault: 'error' }] }),
    });
    const failed = await call('/rest/posts', { method: 'POST', token, json: text(`urn:li:person:${member.id}`) });
    expect([500, 503]).toContain(failed.status);
    expect(await failed.json()).toMatchObject({ status: failed.status, code: expect.any(String), message: expect.any(String) });
    expect(s!.sandbox.state.posts.size).toBe(0);
    expect((await call('/rest/posts', { method: 'POST', token, json: text(`urn:li:person:${member.id}`) })).status).toBe(201);
    const listed = await (await fetch(`${s!.url}/_sandbox/posts`)).json();
    expect(listed.items).toHaveLength(1);
  });

  it('gives refresh tokens only to apps approved for them; refreshing elsewhere is invalid_grant', async () => {
    s = await startLinkedInSandbox({ refreshTokens: false });
    const m = s.sandbox.createMember();
    const issued = s.sandbox.issueTokens(m.id, ['openid']);
    expect(issued.refresh_token).toBeUndefined();
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: 'anything',
      client_id: 'pinion-sandbox',
      client_secret: 'pinion-sandbox-secret',
    });
    const res = await fetch(`${s.url}/oauth/v2/accessToken`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const badClient = await fetch(`${s.url}/oauth/v2/accessToken`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', client_id: 'pinion-sandbox', client_secret: 'wrong' }),
    });
    expect(badClient.status).toBe(401);
  });
});
