import { afterEach, describe, expect, it } from 'vitest';
import { fixtures, uploadFile, type MediaJson } from '../../media/support.js';
import type { TestPinion } from '../../helpers/pinion.js';
import { getPost, waitFor } from '../../helpers/posts.js';
import { linkedInAccounts, linkedInSandbox } from '../../helpers/linkedin.js';
import { publish, startLinkedInPinion } from './support.js';

const DAY_MS = 86_400_000;
const nextMidnight = () => new Date((Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS).toISOString();

describe('LinkedIn publishing when things go wrong', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });
  const upload = async (bytes: Buffer, name: string) => (await (await uploadFile(p!, bytes, name)).json()) as MediaJson;
  const schedule = async (accountId: string, content: string) => {
    const res = await p!.api('POST', '/api/v1/posts', { body: { platforms: ['linkedin'], accounts: [accountId], content } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  it("waits for 00:00 UTC when LinkedIn's daily member limit is reached, and says when it will retry", async () => {
    p = await startLinkedInPinion({ memberDailyLimit: 1 });
    const { person } = await linkedInAccounts(p);
    expect((await publish(p, person.id, { content: 'First of the day' })).status).toBe('published');
    const second = await schedule(person.id, 'Second of the day');
    const waiting = await waitFor(async () => {
      const post = await getPost(p!, second);
      return post.deliveries[0]!.last_error ? post : undefined;
    }, 'the second post to be told to wait');
    expect(waiting.status).toBe('scheduled');
    const d = waiting.deliveries[0]! as (typeof waiting.deliveries)[0] & { next_attempt_at: string };
    expect(d.last_error).toMatchObject({ kind: 'rate_limited', message: expect.stringMatching(/MEMBER DAY limit/) });
    expect(d.next_attempt_at).toBe(nextMidnight());
    expect(d.attempts).toBe(0); // a 429 does not use up an attempt
    expect(linkedInSandbox(p).state.posts.size).toBe(1);
  });

  it("keeps within Pinion's own daily cap without calling LinkedIn, and waits for 00:00 UTC", async () => {
    p = await startLinkedInPinion({}, { perDay: 1 });
    const { person } = await linkedInAccounts(p);
    expect((await publish(p, person.id, { content: 'Only one today' })).status).toBe('published');
    const second = await schedule(person.id, 'Tomorrow');
    await new Promise((r) => setTimeout(r, 600));
    const post = await getPost(p, second);
    expect(post.status).toBe('scheduled');
    expect((post.deliveries[0] as unknown as { next_attempt_at: string }).next_attempt_at).toBe(nextMidnight());
    expect(linkedInSandbox(p).stats().operations['POST /rest/posts']).toBe(1);
  });

  it('adopts the post when LinkedIn made it but the answer was lost, and makes no second one', async () => {
    p = await startLinkedInPinion({ faults: { script: [{ operation: 'POST /rest/posts', call: 1, fault: 'drop-after-commit' }] } });
    const { person } = await linkedInAccounts(p);
    const done = await publish(p, person.id, { content: 'Said once (really)' });
    expect(done.status).toBe('published');
    const d = done.deliveries[0]!;
    expect(d.adopted).toBe(true);
    const li = linkedInSandbox(p);
    expect(li.state.posts.size).toBe(1);
    expect(d.external_id).toBe([...li.state.posts.keys()][0]);
    expect(li.stats().operations['POST /rest/posts']).toBe(1);
    expect(li.stats().operations['GET /rest/posts?q=author']).toBeGreaterThanOrEqual(1);
  });

  it('resumes a video upload cut mid-way from its checkpoint: the same video, one post', async () => {
    // The second part's upload dies with the connection; the next attempt goes on from the saved parts.
    p = await startLinkedInPinion({ videoPartBytes: 1024, faults: { script: [{ operation: 'PUT video part upload', call: 2, fault: 'drop' }] } });
    const { person } = await linkedInAccounts(p);
    const mp4 = (await fixtures()).mp4;
    const video = await upload(mp4, 'clip.mp4');
    const done = await publish(p, person.id, { content: 'Resumed', media_id: video.id });
    expect(done.status).toBe('published');
    expect(done.deliveries[0]!.attempts).toBe(2);
    const li = linkedInSandbox(p);
    const ops = li.stats().operations;
    expect(li.state.videos.size).toBe(1);
    expect(ops['POST /rest/videos?action=initializeUpload']).toBe(1);
    expect(ops['POST /rest/videos?action=finalizeUpload']).toBe(1);
    const parts = Math.ceil(mp4.length / 1024);
    // Every part once, and the one that was cut once more: parts already sent are not sent again.
    expect(ops['PUT video part upload']).toBe(parts + 1);
    const [v] = [...li.state.videos.values()];
    expect(Buffer.concat(v!.parts.map((x) => x.bytes!)).equals(mp4)).toBe(true);
    expect(li.state.posts.size).toBe(1);
    expect([...li.state.posts.values()][0]!.content!.media).toEqual({ id: v!.urn });
  });

  it('after a lost answer to finalize, goes on with the same video instead of starting a second', async () => {
    p = await startLinkedInPinion({
      videoPartBytes: 4096,
      faults: { script: [{ operation: 'POST /rest/videos?action=finalizeUpload', call: 1, fault: 'drop-after-commit' }] },
    });
    const { person } = await linkedInAccounts(p);
    const video = await upload((await fixtures()).mp4, 'clip.mp4');
    const done = await publish(p, person.id, { content: 'Finalized once', media_id: video.id });
    expect(done.status).toBe('published');
    const ops = linkedInSandbox(p).stats().operations;
    expect(ops['POST /rest/videos?action=initializeUpload']).toBe(1);
    expect(ops['POST /rest/videos?action=finalizeUpload']).toBe(1);
    expect(linkedInSandbox(p).state.posts.size).toBe(1);
  });

  it('refuses a sunset LinkedIn-Version with 426 and fails the delivery saying what to change', async () => {
    p = await startLinkedInPinion();
    const { person } = await linkedInAccounts(p);
    const done = await publish(p, person.id, { content: 'Old version', platform_options: { linkedin: { api_version: '202401' } } });
    expect(done.status).toBe('failed');
    expect(done.deliveries[0]!.last_error).toMatchObject({
      kind: 'misconfigured',
      message: expect.stringMatching(/Requested version 202401 is not active \(NONEXISTENT_VERSION\).*api_version/),
    });
    expect(linkedInSandbox(p).state.posts.size).toBe(0);
  });
});
