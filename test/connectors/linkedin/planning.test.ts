import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, uploadFile, type MediaJson } from '../../media/support.js';
import type { TestPinion } from '../../helpers/pinion.js';
import { linkedInAccounts } from '../../helpers/linkedin.js';
import { startLinkedInPinion } from './support.js';

interface Issue {
  field: string;
  message: string;
}
interface Validated {
  valid: boolean;
  errors?: Issue[];
  warnings: Issue[];
  deliveries: Array<{ payload: Record<string, unknown>; adaptations?: Array<Issue & { kind: string }> }>;
}

describe('planning a LinkedIn post (posts:validate)', () => {
  let p: TestPinion;
  let person: { id: string };
  let page: { id: string };
  let image: MediaJson;
  let video: MediaJson;
  beforeAll(async () => {
    p = await startLinkedInPinion();
    ({ person, page } = await linkedInAccounts(p));
    image = (await (await uploadFile(p, (await fixtures()).jpeg, 'a.jpg')).json()) as MediaJson;
    video = (await (await uploadFile(p, (await fixtures()).mp4, 'v.mp4')).json()) as MediaJson;
  });
  afterAll(() => p?.close());

  const validate = async (accountId: string, body: Record<string, unknown>) =>
    (await (await p.api('POST', '/api/v1/posts:validate', { body: { platforms: ['linkedin'], accounts: [accountId], ...body } })).json()) as Validated;
  const fields = (issues: Issue[] | undefined) => (issues ?? []).map((i) => i.field);

  it('sends the member as author and escaped commentary; a LinkedIn-Version only when the post names one', async () => {
    const v = await validate(person.id, { content: 'Hi (all)' });
    expect(v.valid).toBe(true);
    expect(v.deliveries[0]!.payload).toMatchObject({ author: expect.stringMatching(/^urn:li:person:/), commentary: 'Hi \\(all\\)', visibility: 'PUBLIC' });
    expect(v.deliveries[0]!.payload.version).toBeUndefined();
    const pinned = await validate(person.id, { content: 'Hi', platform_options: { linkedin: { api_version: '202609' } } });
    expect(pinned.deliveries[0]!.payload.version).toBe('202609');
  });

  it('titles the article card from the first line when no title is given, and says so', async () => {
    const v = await validate(person.id, { content: 'Big news\nMore below.', link: 'https://example.com/news' });
    expect(v.deliveries[0]!.payload.article).toEqual({ source: 'https://example.com/news', title: 'Big news' });
    expect(v.deliveries[0]!.adaptations).toContainEqual(expect.objectContaining({ field: 'platform_options.linkedin.title' }));
    const titled = await validate(person.id, { content: 'Big news', link: 'https://example.com/news', platform_options: { linkedin: { title: 'The title' } } });
    expect(titled.deliveries[0]!.payload.article).toMatchObject({ title: 'The title' });
    expect(titled.deliveries[0]!.adaptations ?? []).toEqual([]);
  });

  it('puts the link in the text when the post has media (LinkedIn shows one or the other)', async () => {
    const v = await validate(person.id, {
      content: 'See the photo',
      link: 'https://example.com/p',
      media_id: image.id,
      platform_options: { linkedin: { alt_text: 'A photo' } },
    });
    expect(v.deliveries[0]!.payload.commentary).toBe('See the photo https://example.com/p');
    expect(v.deliveries[0]!.payload.article).toBeUndefined();
    expect(v.deliveries[0]!.adaptations).toContainEqual(expect.objectContaining({ kind: 'link_placed', field: 'link' }));
  });

  it('fits post-wide text to 3,000 characters counted after escaping; text written for LinkedIn is never cut', async () => {
    const long = `${'Sentence (one). '.repeat(200)}#end`;
    const fitted = await validate(person.id, { content: long });
    expect(fitted.valid).toBe(true);
    expect((fitted.deliveries[0]!.payload.commentary as string).length).toBeLessThanOrEqual(3000);
    expect(fitted.deliveries[0]!.payload.commentary).toMatch(/#end$/);
    expect(fitted.deliveries[0]!.adaptations).toContainEqual(expect.objectContaining({ kind: 'text_fitted', field: 'content' }));
    const own = await validate(person.id, { content: 'short', platform_options: { linkedin: { content: long } } });
    expect(own.valid).toBe(false);
    expect(fields(own.errors)).toContain('platform_options.linkedin.content');
  });

  it('refuses what LinkedIn would refuse, naming the field', async () => {
    const images = Array.from({ length: 21 }, () => ({ media_id: image.id, alt_text: 'x' }));
    expect(fields((await validate(person.id, { content: 'x', platform_options: { linkedin: { images } } })).errors)).toContain(
      'platform_options.linkedin.images',
    );
    expect(
      fields((await validate(person.id, { content: 'x', media_id: video.id, platform_options: { linkedin: { images: [{ media_id: image.id }] } } })).errors),
    ).toContain('media_id');
    expect(fields((await validate(page.id, { content: 'x', platform_options: { linkedin: { visibility: 'CONNECTIONS' } } })).errors)).toContain(
      'platform_options.linkedin.visibility',
    );
    expect(fields((await validate(person.id, { content: 'x', platform_options: { linkedin: { api_version: '2026-10' } } })).errors)).toContain(
      'platform_options.linkedin.api_version',
    );
    expect(fields((await validate(person.id, { content: '' })).errors).length).toBeGreaterThan(0);
  });
});
