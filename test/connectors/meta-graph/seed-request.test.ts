import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../../helpers/pinion.js';
import { FAST_SCHEDULER, getPost, pinterestAccount, settled, waitFor } from '../../helpers/posts.js';
import { connectFacebook, fastPlatforms, jpeg, metaSandbox, metaSandboxes } from '../../helpers/meta.js';
import { uploadFile } from '../../media/support.js';
import { connectLinkedIn } from '../../helpers/linkedin.js';

/**
 * The seed's request: one post to Pinterest, Instagram, LinkedIn and Facebook, published to all
 * four with a state per delivery; and when one platform must wait, the others still go out.
 */
describe("the seed's four-platform request: Pinterest, Instagram, LinkedIn and Facebook", () => {
  let p: TestPinion;
  let photo: string;
  beforeAll(async () => {
    p = await startTestPinion({ worker: true, sandbox: {}, sandboxes: metaSandboxes(), config: { scheduler: FAST_SCHEDULER, platforms: fastPlatforms() } });
    photo = ((await (await uploadFile(p, await jpeg(), 'launch.jpg')).json()) as { id: string }).id;
    await pinterestAccount(p, 'shop', 'Launches');
    metaSandbox(p, 'facebook').world.addPerson({ name: 'Cy', pages: [{ name: 'Cy Shop', instagram: 'cy_shop' }] });
    await connectFacebook(p, 'Cy');
    await connectLinkedIn(p, { name: 'Cy Person' });
  });
  afterAll(async () => p?.close());

  const request = (platforms: string[]) => ({
    platforms,
    content: 'Our spring collection is here #spring',
    link: 'https://shop.example/spring',
    media_id: photo,
    platform_options: { pinterest: { board: 'Launches', title: 'Spring collection' } },
  });

  it('publishes to the four, each delivery with its own state and payload', async () => {
    const four = ['pinterest', 'instagram', 'linkedin', 'facebook'];
    const check = await (await p.api('POST', '/api/v1/posts:validate', { body: request(four) })).json();
    expect(check.valid, JSON.stringify(check.errors)).toBe(true);
    const ig = check.deliveries.find((d: { platform: string }) => d.platform === 'instagram');
    expect(ig.adaptations).toContainEqual(expect.objectContaining({ kind: 'link_dropped' }));

    const res = await p.api('POST', '/api/v1/posts', { body: request(four) });
    expect(res.status).toBe(201);
    const [done] = await settled(p, [((await res.json()) as { id: string }).id]);
    expect(done!.status).toBe('published');
    const by = Object.fromEntries(done!.deliveries.map((d) => [d.platform, d]));
    for (const platform of four) expect(by[platform], platform).toMatchObject({ status: 'published', external_id: expect.any(String) });
    expect(by.linkedin!.url).toMatch(/^https:\/\/www\.linkedin\.com\/feed\/update\/urn:li:/);
    expect(by.instagram!.payload).toMatchObject({ caption: 'Our spring collection is here #spring', kind: 'image' });
    expect(by.facebook!.payload).toMatchObject({ kind: 'photo', message: expect.stringContaining('https://shop.example/spring') });
    expect(by.pinterest!.payload).toMatchObject({ link: expect.stringContaining('https://shop.example/spring') });
  });

  it('shows per-delivery states when one platform has to wait: Instagram over its quota, the others published', async () => {
    metaSandbox(p, 'instagram').options.instagramQuota = 1;
    const res = await p.api('POST', '/api/v1/posts', { body: { ...request(['pinterest', 'instagram', 'facebook']), content: 'Second drop' } });
    const { id } = (await res.json()) as { id: string };
    const post = await waitFor(async () => {
      const x = await getPost(p, id);
      const states = x.deliveries.map((d) => d.status);
      return states.filter((s) => s === 'published').length === 2 && x.deliveries.some((d) => d.last_error?.kind === 'rate_limited') ? x : undefined;
    }, 'two published and Instagram waiting');
    const waiting = post.deliveries.find((d) => d.status === 'scheduled')!;
    expect((waiting as unknown as { platform: string }).platform).toBe('instagram');
    expect(waiting.last_error!.message).toContain('publishing quota');
    expect(post.status).not.toBe('failed');
  });
});
