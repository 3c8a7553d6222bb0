import { describe, expect, it } from 'vitest';
import { chunkSize, classify, readGoogleError, receivedFrom, tagsLength } from '../../../src/connectors/youtube/index.js';

const NOW = Date.parse('2031-01-15T20:00:00Z'); // 12:00 PST
const api = (status: number, body: unknown, operation = 'videos.insert', mayCreate = false) =>
  classify(status, readGoogleError(JSON.stringify(body), `HTTP ${status}`), { operation, mayCreate }, () => NOW);
const google = (code: number, reason: string, domain = 'youtube.api') => ({
  error: { code, message: `msg ${reason}`, errors: [{ message: `msg ${reason}`, domain, reason }] },
});

describe('YouTube failures, classified once', () => {
  it("token endpoint: invalid_grant is a dead grant, invalid_client is Pinion's own configuration", () => {
    expect(api(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, 'token').kind).toBe('auth_revoked');
    const client = api(401, { error: 'invalid_client', error_description: 'Unauthorized' }, 'token');
    expect(client.kind).toBe('misconfigured');
    expect(client.message).toContain('check the YouTube (Google OAuth) client id and secret');
    expect(api(400, { error: 'unauthorized_client' }, 'token').kind).toBe('misconfigured');
    expect(api(503, { error: 'temporarily_unavailable' }, 'token').kind).toBe('retryable');
  });

  it('quotaExceeded waits for the next midnight Pacific; rate limits wait a minute', () => {
    const quota = api(403, google(403, 'quotaExceeded', 'youtube.quota'));
    expect(quota.kind).toBe('rate_limited');
    expect(quota.details.retryAt?.toISOString()).toBe('2031-01-16T08:00:00.000Z');
    expect(quota.message).toContain('quotaExceeded');
    expect(api(403, google(403, 'rateLimitExceeded', 'usageLimits')).details.retryAt?.getTime()).toBe(NOW + 60_000);
    expect(api(400, google(400, 'uploadLimitExceeded', 'youtube.video')).kind).toBe('rate_limited');
  });

  it("401 refreshes; a missing scope needs consent again; a disabled API is the operator's", () => {
    expect(api(401, google(401, 'authError', 'global')).kind).toBe('auth_expired');
    expect(api(403, google(403, 'insufficientPermissions', 'global')).kind).toBe('auth_revoked');
    expect(api(403, google(403, 'accessNotConfigured', 'usageLimits')).kind).toBe('misconfigured');
  });

  it('content YouTube refuses is rejected; a lost last chunk is an unknown outcome, a 503 is not', () => {
    expect(api(400, google(400, 'invalidTitle', 'youtube.video')).kind).toBe('rejected');
    expect(api(404, google(404, 'videoNotFound', 'youtube.video')).kind).toBe('not_found');
    expect(api(500, google(500, 'backendError', 'global'), 'videos.insert', true).kind).toBe('unknown_outcome');
    expect(api(503, google(503, 'backendError', 'global'), 'videos.insert', true).kind).toBe('retryable');
    expect(api(500, google(500, 'internalError', 'global'), 'videos.list').kind).toBe('retryable');
  });
});

describe('resumable upload arithmetic', () => {
  it('chunks are multiples of 256 KiB, about a quarter of the file, at most 8 MiB', () => {
    const KiB = 1024;
    expect(chunkSize(100 * KiB)).toBe(256 * KiB);
    expect(chunkSize(3 * 1024 * KiB)).toBe(768 * KiB);
    expect(chunkSize(2 * 1024 * 1024 * KiB)).toBe(8 * 1024 * KiB);
    for (const size of [1, 300_000, 5_000_000, 123_456_789]) expect(chunkSize(size) % (256 * KiB)).toBe(0);
  });

  it('the Range of a 308 says how many bytes the server holds', () => {
    expect(receivedFrom('bytes=0-262143')).toBe(262144);
    expect(receivedFrom(null)).toBe(0);
  });

  it('tags count as YouTube counts them: commas between, quotes around a tag with a space', () => {
    expect(tagsLength(['a', 'bc'])).toBe(4);
    expect(tagsLength(['behind the scenes'])).toBe(19);
    expect(tagsLength([])).toBe(0);
  });
});
