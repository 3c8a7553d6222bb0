import { afterEach, describe, expect, it } from 'vitest';
import { fixtures, startMediaServer, uploadFile, type MediaJson } from '../../media/support.js';
import type { TestPinion } from '../../helpers/pinion.js';
import { connectLinkedIn, linkedInAccounts, linkedInSandbox } from '../../helpers/linkedin.js';
import { publish, startLinkedInPinion } from './support.js';

describe('publishing to LinkedIn through the API', () => {
  let p: TestPinion | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });
  const upload = async (bytes: Buffer, name: string) => (await (await uploadFile(p!, bytes, name)).json()) as MediaJson;
  const posts = () => [...linkedInSandbox(p!).state.posts.values()];

  it('connecting a member who administers a company page makes two accounts: the member and the page', async () => {
    p = await startLinkedInPinion();
    const { person, page, org, member, accounts, callbackRes } = await linkedInAccounts(p);
    const html = await callbackRes.text();
    expect(html).toContain('Accounts connected');
    expect(html.match(/on linkedin is connected to Pinion/g)).toHaveLength(2);
    expect(accounts).toHaveLength(2);
    expect(person).toMatchObject({ status: 'active', external_id: `urn:li:person:${member.id}`, account_type: 'member' });
    expect(page).toMatchObject({ status: 'active', external_id: `urn:li:organization:${org.id}`, account_type: 'organization' });
  });

  it('connecting a member who administers no page makes one account', async () => {
    p = await startLinkedInPinion();
    const { callbackRes } = await connectLinkedIn(p, { name: 'Grace Hopper' });
    expect(await callbackRes.text()).toContain('Grace Hopper on linkedin is connected');
    const list = (await (await p.api('GET', '/api/v1/accounts?platform=linkedin')).json()) as { data: Array<{ username: string; account_type: string }> };
    expect(list.data).toEqual([expect.objectContaining({ username: 'Grace Hopper', account_type: 'member' })]);
  });

  it('publishes text with reserved characters escaped, mentions and hashtags kept, and stores the URN with its URL', async () => {
    p = await startLinkedInPinion();
    const { person, org } = await linkedInAccounts(p);
    const content = `Launch (v2) is *live* <3 — thanks @[Analytical Engines](urn:li:organization:${org.id}) for the {help} #launch #ai_ops`;
    const done = await publish(p, person.id, { content });
    expect(done.status).toBe('published');
    const d = done.deliveries[0]!;
    expect(d.external_id).toMatch(/^urn:li:share:\d+$/);
    expect(d.url).toBe(`https://www.linkedin.com/feed/update/${d.external_id}/`);
    const [post] = posts();
    expect(post!.urn).toBe(d.external_id);
    expect(post!.commentary).toBe(
      `Launch \\(v2\\) is \\*live\\* \\<3 — thanks @[Analytical Engines](urn:li:organization:${org.id}) for the \\{help\\} #launch #ai\\_ops`,
    );
    // LinkedIn shows all of it (nothing cut at an unescaped character), the mention as its name.
    expect(post!.shownText).toBe('Launch (v2) is *live* <3 — thanks Analytical Engines for the {help} #launch #ai_ops');
  });

  it('posts as the company page the member administers', async () => {
    p = await startLinkedInPinion();
    const { page, org } = await linkedInAccounts(p);
    const done = await publish(p, page.id, { content: 'Hello from the page', platform_options: { linkedin: { visibility: 'LOGGED_IN' } } });
    expect(done.status).toBe('published');
    expect(posts()[0]).toMatchObject({ author: `urn:li:organization:${org.id}`, visibility: 'LOGGED_IN' });
  });

  it('gives a link post the long form and the link as an article card with title and thumbnail', async () => {
    p = await startLinkedInPinion();
    const { person } = await linkedInAccounts(p);
    const thumb = await upload((await fixtures()).jpeg, 'thumb.jpg');
    const content = 'Our annual report is out\nRevenue grew in every region, and we explain why in detail.';
    const done = await publish(p, person.id, {
      content,
      link: 'https://example.com/report',
      platform_options: { linkedin: { thumbnail_media_id: thumb.id, description: 'The 2026 report' } },
    });
    expect(done.status).toBe('published');
    const [post] = posts();
    expect(post!.shownText).toBe(content);
    const article = post!.content!.article as Record<string, string>;
    expect(article).toMatchObject({ source: 'https://example.com/report', title: 'Our annual report is out', description: 'The 2026 report' });
    expect(article.thumbnail).toMatch(/^urn:li:image:/);
    expect(
      linkedInSandbox(p)
        .state.images.get(article.thumbnail!)!
        .bytes!.equals((await fixtures()).jpeg),
    ).toBe(true);
  });

  it('uploads one image, then several (a multi-image post), each with its alt text', async () => {
    p = await startLinkedInPinion();
    const { person } = await linkedInAccounts(p);
    const f = await fixtures();
    const [a, b, c] = [await upload(f.jpeg, 'a.jpg'), await upload(f.smallPng, 'b.png'), await upload(f.gif, 'c.gif')];

    const single = await publish(p, person.id, { content: 'One image', media_id: a.id, platform_options: { linkedin: { alt_text: 'An apron' } } });
    expect(single.status).toBe('published');
    const media = posts()[0]!.content!.media as { id: string; altText: string };
    expect(media).toMatchObject({ id: expect.stringMatching(/^urn:li:image:/), altText: 'An apron' });

    const multi = await publish(p, person.id, {
      content: 'Three images',
      platform_options: {
        linkedin: {
          images: [
            { media_id: a.id, alt_text: 'A' },
            { media_id: b.id, alt_text: 'B' },
            { media_id: c.id, alt_text: 'C' },
          ],
        },
      },
    });
    expect(multi.status).toBe('published');
    const post = linkedInSandbox(p).state.posts.get(multi.deliveries[0]!.external_id!)!;
    const images = (post.content!.multiImage as { images: Array<{ id: string; altText: string }> }).images;
    expect(images.map((i) => i.altText)).toEqual(['A', 'B', 'C']);
    expect(images.map((i) => linkedInSandbox(p!).state.images.get(i.id)!.bytes!.length)).toEqual([f.jpeg.length, f.smallPng.length, f.gif.length]);
  });

  it('downloads an image given by URL and uploads it, since LinkedIn takes no image by URL', async () => {
    p = await startLinkedInPinion();
    const { person } = await linkedInAccounts(p);
    const f = await fixtures();
    const server = await startMediaServer({ '/apron.jpg': { type: 'image/jpeg', bytes: f.jpeg } });
    try {
      const done = await publish(p, person.id, {
        content: 'By URL',
        media_url: `${server.url}/apron.jpg`,
        platform_options: { linkedin: { alt_text: 'An apron' } },
      });
      expect(done.status).toBe('published');
      const media = posts()[0]!.content!.media as { id: string };
      expect(linkedInSandbox(p).state.images.get(media.id)!.bytes!.equals(f.jpeg)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('uploads a video in parts with their ETags, finalizes it and posts once it is AVAILABLE', async () => {
    p = await startLinkedInPinion({ videoPartBytes: 1024 });
    const { person } = await linkedInAccounts(p);
    const mp4 = (await fixtures()).mp4;
    const video = await upload(mp4, 'clip.mp4');
    const done = await publish(p, person.id, { content: 'Watch this', media_id: video.id, platform_options: { linkedin: { video_title: 'Clip' } } });
    expect(done.status).toBe('published');
    const li = linkedInSandbox(p);
    const [v] = [...li.state.videos.values()];
    expect(v!.parts.length).toBe(Math.ceil(mp4.length / 1024));
    expect(v!.parts.length).toBeGreaterThan(1);
    expect(Buffer.concat(v!.parts.map((x) => x.bytes!)).equals(mp4)).toBe(true);
    expect(posts()[0]!.content!.media).toEqual({ id: v!.urn, title: 'Clip' });
    expect(li.stats().operations['GET /rest/videos/{urn}']).toBeGreaterThanOrEqual(1);
  });

  it("fails the delivery with LinkedIn's reason when the video cannot be processed", async () => {
    p = await startLinkedInPinion();
    const { person } = await linkedInAccounts(p);
    linkedInSandbox(p).failNextVideo('The video has no video stream');
    const video = await upload((await fixtures()).mp4, 'clip.mp4');
    const done = await publish(p, person.id, { content: 'Broken', media_id: video.id });
    expect(done.status).toBe('failed');
    expect(done.deliveries[0]!.last_error).toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(/LinkedIn could not process the video .*The video has no video stream/),
    });
    expect(posts()).toHaveLength(0);
  });
});
