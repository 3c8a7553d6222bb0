import { editedPost } from './posts.js';
import type { ChaosPinion } from './pinion.js';
import { pick } from './settings.js';
import { TERMINAL, type PostSeen } from './tally.js';

export interface Answers {
  tried: number;
  /** 200: the change was made. */
  applied: number;
  /** 409: Pinion said the post can no longer be changed (publishing, finished, or its outcome unknown). */
  refused: number;
  /** Anything else, by status: 5xx here is a bug. */
  other: Record<string, number>;
}

const answers = (): Answers => ({ tried: 0, applied: 0, refused: 0, other: {} });

/**
 * Edits and cancels a user makes while the workers publish. Half of them go to posts that show a
 * retry (an attempt failed or got no answer and the delivery waits to go again): the moment an
 * edit or a cancel can do most harm. The rest go to any post not finished.
 */
export class Racer {
  readonly edits = answers();
  readonly cancels = answers();
  private readonly versions = new Map<string, number>();

  constructor(
    private readonly p: ChaosPinion,
    private readonly random: () => number,
    private readonly indexOf: Map<string, number>,
  ) {}

  choose(posts: PostSeen[]): PostSeen | undefined {
    const open = posts.filter((x) => x.deliveries.some((d) => !TERMINAL.has(d.status)));
    const retrying = open.filter((x) => x.deliveries.some((d) => d.status !== 'publishing' && (d.attempts > 0 || d.last_error)));
    return (this.random() < 0.5 ? pick(this.random, retrying) : undefined) ?? pick(this.random, open) ?? pick(this.random, posts);
  }

  async edit(post: PostSeen): Promise<void> {
    const i = this.indexOf.get(post.id)!;
    const version = (this.versions.get(post.id) ?? 1) + 1;
    const res = await this.p.api('PATCH', `/api/v1/posts/${post.id}`, editedPost(i, version, Date.now() + Math.floor(this.random() * 2000)));
    if (res.status === 200) this.versions.set(post.id, version);
    await count(this.edits, res);
  }

  async cancel(post: PostSeen): Promise<void> {
    await count(this.cancels, await this.p.api('POST', `/api/v1/posts/${post.id}/cancel`));
  }
}

async function count(a: Answers, res: Response): Promise<void> {
  a.tried++;
  await res.arrayBuffer();
  if (res.status === 200) a.applied++;
  else if (res.status === 409) a.refused++;
  else a.other[res.status] = (a.other[res.status] ?? 0) + 1;
}
