import type { Kysely } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import type { MediaLibrary } from '../media/index.js';
import type { Database } from '../store/index.js';
import { findWorkspace } from '../workspaces/index.js';
import { convertPostMedia } from './auto-convert.js';
import { planPost, type PostPlan, type UrlCheck } from './plan.js';
import type { PostRequest } from './request.js';
import type { LinkCheck } from './advice.js';
import type { Publisher } from '../connectors/index.js';
import { campaignIssue } from './campaign-check.js';

/** What post orchestration needs, wired once per process. */
export interface PostDeps {
  db: Kysely<Database>;
  accounts: Accounts;
  media: MediaLibrary;
  /** Checks media URLs a post names when it is made, if the config says so: the cheap checks (the full one runs in the background preflight). */
  checkUrl?: UrlCheck;
  /** The full check (fetch and decode) a dry run makes at once: `POST /posts:validate`. */
  fullCheckUrl?: UrlCheck;
  /** Pinion's public URL, where platforms that fetch media by URL download stored media. */
  publicUrl?: () => string;
  /** Link preflight of destination links, if the config says so. */
  checkLink?: LinkCheck;
  /** A recent check's report of a link, without going to the network (bulk and import: the background preflight checks the rest). */
  knownLink?: LinkCheck;
  /** A platform's publisher, for deleting published posts from it (DELETE /posts/:id?unpublish=true). */
  publisherFor?: (platform: string) => Publisher;
}

/**
 * The one path every way of making or changing a post takes (POST, bulk, CSV import, PATCH):
 * the workspace's media conversions, then planning. `dryRun` plans without converting (a dry run
 * stores nothing, not even converted copies).
 */
export async function preparePost(
  deps: PostDeps,
  workspaceId: string,
  request: PostRequest,
  opts: { dryRun?: boolean; checkUrl?: UrlCheck; postId?: string; reservedSlots?: Set<number>; checkDuplicates?: boolean; linksKnownOnly?: boolean } = {},
): Promise<{ request: PostRequest; plan: PostPlan }> {
  const workspace = await findWorkspace(deps.db, workspaceId);
  const settings = workspace?.settings ?? {};
  const converted = opts.dryRun ? { request, notes: [] } : await convertPostMedia(deps.media, workspaceId, settings, request);
  const plan = await planPost(
    {
      db: deps.db,
      accounts: deps.accounts,
      mediaInfo: (ws, id) => deps.media.info(ws, id),
      checkUrl: opts.checkUrl ?? (opts.dryRun ? deps.fullCheckUrl : undefined) ?? deps.checkUrl,
      checkLink: opts.linksKnownOnly && !opts.dryRun ? deps.knownLink : deps.checkLink,
      publicUrl: deps.publicUrl?.(),
    },
    {
      workspaceId,
      settings,
      request: converted.request,
      advise: opts.dryRun,
      postId: opts.postId,
      reservedSlots: opts.reservedSlots,
      checkDuplicates: opts.checkDuplicates,
    },
  );
  plan.warnings.push(...converted.notes);
  const campaign = await campaignIssue(deps.db, workspaceId, request.campaign_id);
  if (campaign) plan.errors.push(campaign);
  return { request: converted.request, plan };
}

/** Remembers each URL's check for the life of one request, so a bulk of 500 posts fetches each image once. */
export function memoised(check: UrlCheck | undefined): UrlCheck | undefined {
  if (!check) return undefined;
  const memo = new Map<string, ReturnType<UrlCheck>>();
  return (url) => {
    let result = memo.get(url);
    if (!result) memo.set(url, (result = check(url)));
    return result;
  };
}
