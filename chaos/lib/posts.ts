import { inParallel } from '../../src/shared/index.js';
import type { ChaosPinion } from './pinion.js';
import type { ChaosSettings } from './settings.js';
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

/** Every post of the workspace (or those the `filter` query picks), through the API's paged list. */
export async function listPosts(p: ChaosPinion, filter = ''): Promise<PostSeen[]> {
  const all: PostSeen[] = [];
  let cursor: string | null = null;
  do {
    const res = await p.api('GET', `/api/v1/posts?limit=200${filter ? `&${filter}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET /posts answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { data: PostSeen[]; next_cursor: string | null };
    all.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

/**
 * Makes the run's posts through the API in batches of 50 (`POST /posts:bulk`, all or none, two
 * batches at a time), accounts in turn, due from `firstDue` on round moments (as people schedule:
 * each moment brings a burst per account that meets the rate limit). A batch answered 5xx stored
 * nothing, so it is sent again (twice at most); were any of it stored after all, its posts would
 * show up twice and their pins as duplicates. `indexOf` learns each post's number as soon as it is made.
 */
export async function makePosts(
  p: ChaosPinion,
  opts: { settings: ChaosSettings; accounts: string[]; firstDue: number; imageUrl: string; indexOf: Map<string, number> },
): Promise<Record<string, number>> {
  const { settings, accounts } = opts;
  const refused: Record<string, number> = {};
  const batches = Array.from({ length: Math.ceil(settings.posts / BATCH) }, (_, b) =>
    Array.from({ length: Math.min(BATCH, settings.posts - b * BATCH) }, (_, k) => b * BATCH + k),
  );
  await inParallel(batches, 2, async (batch) => {
    const posts = batch.map((i) =>
      newPost(
        i,
        accounts[i % accounts.length]!,
        opts.firstDue + Math.floor((i * settings.dueWithinMs) / settings.posts / settings.dueEveryMs) * settings.dueEveryMs,
        opts.imageUrl,
      ),
    );
    for (let attempt = 1; ; attempt++) {
      const res = await p.api('POST', '/api/v1/posts:bulk', { posts });
      const answer = (await res.json()) as { data?: Array<{ id: string }> };
      if (res.status === 201) return answer.data!.forEach((post, k) => opts.indexOf.set(post.id, batch[k]!));
      if (res.status < 500 || attempt === 3) return void (refused[res.status] = (refused[res.status] ?? 0) + batch.length);
    }
  });
  return refused;
}

const BATCH = 50;
