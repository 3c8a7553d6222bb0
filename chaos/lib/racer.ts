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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const answers = (): Answers => ({ tried: 0, applied: 0, refused: 0, other: {} });

/**
 * Edits and cancels a user makes while the workers publish. Some come at random moments to any
 * post not yet finished; the others go, as soon as the API shows it, to a post whose attempt just
 * failed or got no answer and that waits to go again: the moment an edit or a cancel can do the
 * most harm, and the one a user watching the list is most likely to act on.
 */
export class Racer {
  readonly edits = answers();
  readonly cancels = answers();
  private readonly versions = new Map<string, number>();
  private readonly seenRetrying = new Set<string>();

  constructor(
    private readonly p: ChaosPinion,
    private readonly random: () => number,
    private readonly indexOf: Map<string, number>,
    /** Edits and cancels kept for posts seen retrying. */
    private readonly onRetry: { edit: number; cancel: number },
  ) {}

  /** Any post not finished (or, when all are, any post: the answer is then a 409). */
  choose(posts: PostSeen[]): PostSeen | undefined {
    const ours = posts.filter((x) => this.indexOf.has(x.id));
    const open = ours.filter((x) => x.deliveries.some((d) => !TERMINAL.has(d.status)));
    return pick(this.random, open) ?? pick(this.random, ours);
  }

  /** `edits` edits and `cancels` cancels at random moments from now to `until`, each on a post chosen from the latest list. */
  async atRandomMoments(opts: { edits: number; cancels: number; until: number; latest: () => PostSeen[] }): Promise<void> {
    const start = Date.now();
    const actions = [...Array<'edit'>(opts.edits).fill('edit'), ...Array<'cancel'>(opts.cancels).fill('cancel')];
    const plan = actions.map((action) => ({ action, at: start + this.random() * (opts.until - start) })).sort((a, b) => a.at - b.at);
    for (const step of plan) {
      await sleep(Math.max(0, step.at - Date.now()));
      let post = this.choose(opts.latest());
      // Before the first posts are made and listed there is nothing to choose from yet.
      while (!post && Date.now() < opts.until) {
        await sleep(200);
        post = this.choose(opts.latest());
      }
      if (post) await (step.action === 'edit' ? this.edit(post) : this.cancel(post));
    }
  }

  /**
   * Acts on posts that show a retry for the first time, while the share kept for them lasts:
   * always when Pinion says it does not know whether the last attempt worked (the pin may well
   * exist), half the time after another error. A rate limit says nothing about the post: left alone.
   */
  async react(posts: PostSeen[]): Promise<void> {
    for (const post of posts) {
      // Waiting to go again (scheduled, or whatever name a waiting state has), not being worked on now.
      const waiting = post.deliveries.filter(
        (d) => !TERMINAL.has(d.status) && d.status !== 'publishing' && d.last_error && d.last_error.kind !== 'rate_limited',
      );
      if (!waiting.length || this.seenRetrying.has(post.id) || !this.indexOf.has(post.id)) continue;
      this.seenRetrying.add(post.id);
      const { edit, cancel } = this.onRetry;
      const unknown = waiting.some((d) => d.last_error!.kind === 'unknown_outcome');
      if (edit + cancel === 0 || (!unknown && this.random() < 0.5)) continue;
      if (this.random() * (edit + cancel) < edit) {
        this.onRetry.edit--;
        await this.edit(post);
      } else {
        this.onRetry.cancel--;
        await this.cancel(post);
      }
    }
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
