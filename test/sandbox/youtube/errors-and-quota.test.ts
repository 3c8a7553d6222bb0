import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/index.js';
import { metadata, startSandbox } from './support.js';

type GoogleErrorBody = { error: { code: number; message: string; errors: Array<{ message: string; domain: string; reason: string }> } };

describe("YouTube emulator: requests checked against Discovery and the docs, errors in Google's shape", () => {
  let s: Awaited<ReturnType<typeof startSandbox>> | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const insert = (body: unknown, query = 'uploadType=resumable&part=snippet,status') =>
    s!.call('POST', `/upload/youtube/v3/videos?${query}`, { body, headers: { 'x-upload-content-length': '1000', 'x-upload-content-type': 'video/mp4' } });
  const reason = async (res: Response) => {
    const body = (await res.json()) as GoogleErrorBody;
    expect(body.error.code).toBe(res.status);
    expect(body.error.errors[0]!.message).toBeTruthy();
    return `${res.status} ${body.error.errors[0]!.domain} ${body.error.errors[0]!.reason}`;
  };

  it('authentication, scopes and parameters', async () => {
    s = await startSandbox({}, ['https://www.googleapis.com/auth/youtube.readonly']);
    expect(await reason(await s.call('GET', '/youtube/v3/channels?part=snippet&mine=true', { token: 'ya29.nope' }))).toBe('401 global authError');
    expect(await reason(await insert(metadata()))).toBe('403 global insufficientPermissions');
    expect(await reason(await s.call('GET', '/youtube/v3/channels?mine=true'))).toBe('400 global required');
    expect(await reason(await s.call('GET', '/youtube/v3/channels?part=snippet&mine=true&colour=blue'))).toBe('400 global badRequest');
    expect(await reason(await s.call('GET', '/youtube/v3/channels?part=snippets&mine=true'))).toBe('400 youtube.part unknownPart');
    expect(await reason(await s.call('GET', '/youtube/v3/channels?part=snippet&mine=maybe'))).toBe('400 global invalidParameter');
  });

  it('the Video body: unknown fields and wrong types (Discovery), then title, description, tags, category and publishAt (docs)', async () => {
    s = await startSandbox();
    expect(await reason(await insert({ snippet: { title: 'x', colour: 'red' } }))).toBe('400 global badRequest');
    expect(await reason(await insert({ snippet: { title: 5 } }))).toBe('400 global invalid');
    expect(await reason(await insert({ snippet: { title: 'x' }, status: { privacyStatus: 'friends' } }))).toBe('400 global invalid');
    expect(await reason(await insert({ snippet: { title: 'T'.repeat(101) } }))).toBe('400 youtube.video invalidTitle');
    expect(await reason(await insert({ snippet: { title: 'a <b>' } }))).toBe('400 youtube.video invalidTitle');
    expect(await reason(await insert({ snippet: { title: 'x', description: 'é'.repeat(2501) } }))).toBe('400 youtube.video invalidDescription');
    expect(await reason(await insert({ snippet: { title: 'x', tags: Array.from({ length: 50 }, () => 'ten chars!') } }))).toBe('400 youtube.video invalidTags');
    expect(await reason(await insert({ snippet: { title: 'x', categoryId: '99' } }))).toBe('400 youtube.video invalidCategoryId');
    expect(await reason(await insert({ snippet: { title: 'x' }, status: { privacyStatus: 'public', publishAt: '2031-01-01T00:00:00Z' } }))).toBe(
      '400 youtube.video invalidPublishAt',
    );
    expect((await insert(metadata())).status).toBe(200);
  });

  it('units per project per Pacific day: quotaExceeded (403, youtube.quota) until midnight America/Los_Angeles', async () => {
    const clock = new ManualClock(Date.parse('2031-07-01T06:00:00Z')); // 23:00 PDT on June 30
    s = await startSandbox({ clock, unitsPerDay: 2000 });
    expect((await insert(metadata())).status).toBe(200); // 1,600
    const refused = await insert(metadata());
    expect(refused.status).toBe(403);
    const body = (await refused.json()) as GoogleErrorBody;
    expect(body.error.errors[0]).toMatchObject({ domain: 'youtube.quota', reason: 'quotaExceeded' });
    expect(body.error.message).toContain('exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>');
    // The UTC day changed an hour ago; the Pacific day has not.
    await clock.advance(59 * 60_000);
    s.token = s.sandbox.issueToken(s.channel.id, ['https://www.googleapis.com/auth/youtube.upload']);
    expect((await s.call('POST', '/upload/youtube/v3/videos?uploadType=resumable&part=snippet', { body: metadata(), token: s.token })).status).toBe(403);
    await clock.advance(60_000); // 00:00 PDT
    expect((await s.call('POST', '/upload/youtube/v3/videos?uploadType=resumable&part=snippet', { body: metadata(), token: s.token })).status).toBe(200);
    expect(Object.values(s.sandbox.stats().quota)[0]).toMatchObject({ day: '2031-07-01', used: 1600, limit: 2000 });
  });

  it("faults: 5xx in Google's shape before any effect; the status query is a fault target of its own", async () => {
    s = await startSandbox({ faults: { errorRate: 1, only: ['POST /upload/youtube/v3/videos'] } });
    const res = await insert(metadata());
    expect([500, 503]).toContain(res.status);
    expect((await res.json()) as GoogleErrorBody).toMatchObject({ error: { errors: [{ domain: 'global' }] } });
    expect(s.sandbox.stats().sessions).toHaveLength(0);
  });
});
