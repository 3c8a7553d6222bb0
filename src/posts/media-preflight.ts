import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import { MEDIA_PROBLEM, refreshPostStatus, setAsideForMedia, type DeliveryRow } from '../scheduler/index.js';
import { inParallel, ownerId, type BackgroundPass, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import type { PostStatus } from '../store/schema.js';
import { checkPostMedia, postMediaUrls, type MediaProblem, type UrlCheck } from './plan.js';
import type { PostRequest } from './request.js';

const MINUTE = 60_000;
/** Post statuses with deliveries that may still be waiting for their time. */
const UNDER_WAY_STATUSES: PostStatus[] = ['scheduled', 'publishing'];
const UNDER_WAY = new Set<string>(UNDER_WAY_STATUSES);
const HOUR = 60 * MINUTE;

/** A full check of one media URL; `fetchFailed.lasting` when the server said the file is not there (a 404), not a timeout or a 5xx. */
export type MediaUrlCheck = (url: string) => Promise<Awaited<ReturnType<UrlCheck>> & { fetchFailed?: { message: string; lasting: boolean } }>;

/**
 * The post's media judged as the preflight judges it: like `POST /posts:validate`, except that a file
 * the server says is not there (404, 410, 403) is a problem rather than advice: by the time the
 * preflight runs, the post is stored and due to go out with it. `unsettled` when a URL could not be
 * fetched for a reason that may pass (a timeout, a 5xx): the check is then tried again later.
 */
export async function judgeMedia(request: PostRequest, check: MediaUrlCheck): Promise<{ problems: MediaProblem[]; unsettled: boolean }> {
  let unsettled = false;
  const strict: UrlCheck = async (url) => {
    const v = await check(url);
    if (!v.fetchFailed) return v;
    if (!v.fetchFailed.lasting) {
      unsettled = true;
      return v;
    }
    return { ...v, errors: [...v.errors, `cannot be fetched: ${v.fetchFailed.message}`], warnings: [] };
  };
  const { errors } = await checkPostMedia(request, strict);
  return { problems: errors, unsettled };
}

/** What a delivery set aside says, for a person: each problem with its field, and what to do. */
export function mediaReason(problems: MediaProblem[], platform: string): string {
  const mine = problems.filter((p) => p.platforms.includes(platform)).map((p) => `${p.field} ${p.message}`);
  return `The media check before publishing found a problem: ${[...new Set(mine)].join('; ')}. Change the media (PATCH the post) to put it back on schedule.`;
}

export interface MediaPreflightOptions {
  db: Kysely<Database>;
  clock: Clock;
  check: MediaUrlCheck;
  /** A post due further ahead than this is checked again this long before its time (default 24 h). */
  aheadMs?: number;
  /** After a check that could not finish (timeout, 5xx), when to try again (default 15 min). */
  retryMs?: number;
  /** How long a worker holds a post's check before another may take it over (default 2 min). */
  leaseMs?: number;
  /** Posts looked at per run (default 50); those with media URLs are checked `concurrency` (default 4) at a time. */
  batch?: number;
  concurrency?: number;
  /** Told of deliveries set aside for their media, in the transaction that did it (webhooks). */
  onSetAside?: (trx: Transaction<Database>, post: { id: string; workspaceId: string; scheduledAt: number }, deliveries: DeliveryRow[]) => Promise<void>;
}

/**
 * The background media preflight. Posts are accepted after the cheap checks only; here their media
 * URLs are fetched and decoded: first as soon as a worker can after the post is made (or edited),
 * then once more `aheadMs` before the post is due when it was made further ahead than that (an image
 * can go missing in a month). A problem sets the post's untried deliveries aside as needs_attention,
 * with the reason, and `onSetAside` tells the user (a webhook), well before the post's time. Each
 * post's check is claimed with a lease on the post row, so workers in several processes never check
 * one post twice at once; the verdict is written only while the claim still holds (an edit of the
 * post meanwhile drops it, and the edited post is checked afresh). When the check cannot finish before
 * the post is due, the publish path checks first (`mediaGate`).
 */
export function mediaPreflightPass(opts: MediaPreflightOptions): BackgroundPass & { owner: string } {
  const owner = ownerId();
  const { db, clock } = opts;
  const ahead = opts.aheadMs ?? 24 * HOUR;
  const retry = opts.retryMs ?? 15 * MINUTE;
  const leaseMs = opts.leaseMs ?? 2 * MINUTE;
  const batch = opts.batch ?? 50;

  /** Writes the verdict and lets go of the post, if it is still this worker's to write. */
  const finish = (trx: Kysely<Database>, id: string, set: Partial<Pick<Database['posts'], 'media_check_next' | 'media_checked_at' | 'media_check'>>) =>
    trx
      .updateTable('posts')
      .set({ ...set, media_check_owner: null, media_check_until: null })
      .where('id', '=', id)
      .where('media_check_owner', '=', owner)
      .executeTakeFirst();

  async function checkOne(post: { id: string; workspace_id: string; request: string; scheduled_at: number }): Promise<void> {
    const request = JSON.parse(post.request) as PostRequest;
    const scheduledAt = Number(post.scheduled_at);
    if (!postMediaUrls(request).length) {
      await finish(db, post.id, { media_check_next: null, media_checked_at: clock.now(), media_check: '[]' });
      return;
    }
    const { problems, unsettled } = await judgeMedia(request, opts.check);
    const at = clock.now();
    if (!problems.length) {
      // Checked: once more a day before it is due when that is still ahead. Not finished: again soon, while before its time.
      const next = unsettled ? (at + retry < scheduledAt ? at + retry : null) : scheduledAt - ahead > at ? scheduledAt - ahead : null;
      await finish(db, post.id, unsettled ? { media_check_next: next } : { media_check_next: next, media_checked_at: at, media_check: '[]' });
      return;
    }
    await db.transaction().execute(async (trx) => {
      const held = await finish(trx, post.id, { media_check_next: null, media_checked_at: at, media_check: JSON.stringify(problems) });
      if (Number(held.numUpdatedRows) !== 1) return;
      const setAside: DeliveryRow[] = [];
      for (const platform of new Set(problems.flatMap((p) => p.platforms)))
        setAside.push(...(await setAsideForMedia(trx, post.id, [platform], mediaReason(problems, platform), at)));
      if (!setAside.length) return;
      await refreshPostStatus(trx, post.id, at);
      await opts.onSetAside?.(trx, { id: post.id, workspaceId: post.workspace_id, scheduledAt }, setAside);
    });
  }

  return {
    name: 'preflight-media',
    owner,
    idleIntervalMs: 1_000,
    async run() {
      const now = clock.now();
      const free = (eb: ExpressionBuilder<Database, 'posts'>) => eb.or([eb('media_check_until', 'is', null), eb('media_check_until', '<', now)]);
      const due = await db
        .selectFrom('posts')
        .select(['id', 'workspace_id', 'request', 'scheduled_at', 'status'])
        .where('media_check_next', 'is not', null)
        .where('media_check_next', '<=', now)
        .where(free)
        .orderBy('media_check_next')
        .orderBy('scheduled_at')
        .limit(batch)
        .execute();
      // Went out (or was cancelled) before its check, or names no media URL: nothing to fetch, settled in one
      // statement each (writing the same verdict twice, should two workers meet here, is harmless).
      const settledNow = due.filter((post) => !UNDER_WAY.has(post.status));
      const noMedia = due.filter((post) => UNDER_WAY.has(post.status) && !postMediaUrls(JSON.parse(post.request) as PostRequest).length);
      if (settledNow.length)
        await db
          .updateTable('posts')
          .set({ media_check_next: null })
          .where(
            'id',
            'in',
            settledNow.map((p) => p.id),
          )
          .where('status', 'not in', UNDER_WAY_STATUSES)
          .execute();
      if (noMedia.length)
        await db
          .updateTable('posts')
          .set({ media_check_next: null, media_checked_at: now, media_check: '[]' })
          .where(
            'id',
            'in',
            noMedia.map((p) => p.id),
          )
          .where('media_check_next', '<=', now)
          .where(free)
          .execute();
      const claimed: typeof due = [];
      for (const post of due) {
        if (settledNow.includes(post) || noMedia.includes(post)) continue;
        // The claim: whoever moves the lease first checks the post; a racing worker's UPDATE then matches nothing.
        const r = await db
          .updateTable('posts')
          .set({ media_check_owner: owner, media_check_until: now + leaseMs })
          .where('id', '=', post.id)
          .where('media_check_next', '<=', now)
          .where(free)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) === 1) claimed.push(post);
      }
      await inParallel(claimed, opts.concurrency ?? 4, checkOne);
      return due.length === batch;
    },
  };
}

/**
 * The publish path's own media check, before a delivery's first attempt: the problem the preflight
 * already found for this platform, or, when the preflight has not finished with the post (made just
 * now, or its checks could not finish), the full check made now. Never publishes media blind.
 */
export function mediaGate(opts: { db: Kysely<Database>; check: MediaUrlCheck }): (d: DeliveryRow) => Promise<{ kind: string; message: string } | undefined> {
  return async (d) => {
    const post = await opts.db.selectFrom('posts').select(['request', 'media_checked_at', 'media_check']).where('id', '=', d.post_id).executeTakeFirst();
    if (!post) return undefined;
    let problems: MediaProblem[];
    if (post.media_checked_at !== null) problems = JSON.parse(post.media_check ?? '[]') as MediaProblem[];
    else {
      const request = JSON.parse(post.request) as PostRequest;
      if (!postMediaUrls(request).length) return undefined;
      ({ problems } = await judgeMedia(request, opts.check));
    }
    return problems.some((p) => p.platforms.includes(d.platform)) ? { kind: MEDIA_PROBLEM, message: mediaReason(problems, d.platform) } : undefined;
  };
}
