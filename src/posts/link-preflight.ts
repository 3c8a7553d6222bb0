import type { Kysely } from 'kysely';
import type { LinkReport } from '../links/index.js';
import type { BackgroundPass, Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import type { PostRequest } from './request.js';

/** The verdict on one destination link of a post, as GET /posts/:id shows it. */
export interface LinkVerdict {
  field: string;
  url: string;
  ok: boolean;
  status: number;
  final_url: string;
  redirects: number;
  warnings: string[];
}

const HOUR = 3_600_000;

/** The post's destination links, by field: the post-wide link and each platform's own. */
export function postLinks(request: PostRequest): Array<[field: string, url: string]> {
  const out: Array<[string, string]> = [];
  if (request.link) out.push(['link', request.link]);
  for (const [platform, o] of Object.entries(request.platform_options ?? {})) if (o?.link) out.push([`platform_options.${platform}.link`, o.link]);
  return out.filter(([, url]) => /^https?:\/\//i.test(url));
}

/**
 * The background link preflight: a page that worked when the post was made may be gone by the
 * time it is due. Posts due within `aheadMs` have their links checked again (at most every
 * `everyMs`), and the verdict is stored on the post for GET /posts/:id; `onBroken` hears of links
 * that no longer answer or now redirect.
 */
export function linkPreflightPass(deps: {
  db: Kysely<Database>;
  check: (url: string) => Promise<LinkReport>;
  clock: Clock;
  aheadMs?: number;
  everyMs?: number;
  batch?: number;
  onBroken?: (post: { id: string; workspaceId: string }, verdicts: LinkVerdict[]) => Promise<void> | void;
}): BackgroundPass {
  const ahead = deps.aheadMs ?? 24 * HOUR;
  const every = deps.everyMs ?? 6 * HOUR;
  return {
    name: 'preflight-links',
    idleIntervalMs: 60_000,
    async run() {
      const now = deps.clock.now();
      const due = await deps.db
        .selectFrom('posts')
        .select(['id', 'workspace_id', 'request'])
        .where('status', '=', 'scheduled')
        .where('scheduled_at', '<=', now + ahead)
        .where((eb) => eb.or([eb('link_checked_at', 'is', null), eb('link_checked_at', '<', now - every)]))
        .orderBy('scheduled_at')
        .limit(deps.batch ?? 20)
        .execute();
      for (const post of due) {
        const links = postLinks(JSON.parse(post.request) as PostRequest);
        const verdicts: LinkVerdict[] = [];
        for (const [field, url] of links) {
          const r = await deps.check(url);
          verdicts.push({ field, url, ok: r.ok, status: r.status, final_url: r.finalUrl, redirects: r.redirects.length, warnings: r.warnings });
        }
        await deps.db
          .updateTable('posts')
          .set({ link_check: JSON.stringify(verdicts), link_checked_at: now })
          .where('id', '=', post.id)
          .execute();
        if (verdicts.some((v) => !v.ok || v.redirects)) await deps.onBroken?.({ id: post.id, workspaceId: post.workspace_id }, verdicts);
      }
      return due.length === (deps.batch ?? 20);
    },
  };
}
