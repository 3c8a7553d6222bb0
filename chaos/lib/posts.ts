import type { ChaosPinion } from './pinion.js';
import type { PinSeen, PostSeen } from './tally.js';

export const BOARD = 'Chaos';

/** Every version of a post's title and description carries its tag, so its pins are found whatever text they were made with. */
export const tagOf = (i: number) => `#${i}`;
const TAG = /(?:^Chaos |^Chaos post )(#\d+)(?!\w)/;
export const pinTag = (pin: PinSeen): string | undefined => TAG.exec(pin.title ?? '')?.[1] ?? TAG.exec(pin.description ?? '')?.[1];

/** A pin due at `at` on `account`, with a unique title and description. */
export function newPost(i: number, account: string, at: number, imageUrl: string) {
  return {
    content: `Chaos post ${tagOf(i)}: first version, made for the chaos run.`,
    platforms: ['pinterest'],
    accounts: [account],
    media_url: imageUrl,
    link: `https://example.com/chaos/${i}`,
    scheduled_at: new Date(at).toISOString(),
    platform_options: { pinterest: { board: BOARD, title: `Chaos ${tagOf(i)}` } },
  };
}

/** The user changes the text and asks for it to go out again shortly (a post already due could not keep its time). */
export function editedPost(i: number, version: number, at: number) {
  return {
    content: `Chaos post ${tagOf(i)}: version ${version}, edited while the workers publish.`,
    scheduled_at: new Date(at).toISOString(),
    platform_options: { pinterest: { board: BOARD, title: `Chaos ${tagOf(i)} v${version}` } },
  };
}

/** Every post of the workspace, through the API's paged list. */
export async function listPosts(p: ChaosPinion): Promise<PostSeen[]> {
  const all: PostSeen[] = [];
  let cursor: string | null = null;
  do {
    const res = await p.api('GET', `/api/v1/posts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET /posts answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { data: PostSeen[]; next_cursor: string | null };
    all.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}
