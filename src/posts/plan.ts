import type { Kysely } from 'kysely';
import { listAccounts, type Account, type Accounts } from '../accounts/index.js';
import { adaptPin, type PinCreate } from '../connectors/pinterest/adapt.js';
import type { MediaInfo } from '../connectors/pinterest/adapt-media.js';

/** What planning may know of a workspace's stored media: type and Pinterest's checks of its bytes. */
export type MediaLookup = (workspaceId: string, mediaId: string) => Promise<MediaInfo | undefined>;
import type { FieldIssue, PlatformId } from '../connectors/index.js';
import type { Database } from '../store/index.js';
import type { WorkspaceSettings } from '../workspaces/index.js';
import type { PostRequest } from './request.js';
import { resolveScheduledAt } from './schedule-time.js';
import { utmFor, withUtm } from './utm.js';

/** One delivery-to-be: what one account of one platform will receive. */
export interface PlannedDelivery {
  platform: PlatformId;
  account: Account;
  payload: PinCreate;
  warnings: FieldIssue[];
}

export interface PostPlan {
  scheduledAt: number;
  deliveries: PlannedDelivery[];
  errors: FieldIssue[];
  warnings: FieldIssue[];
}

/** Errors named after the same field by several accounts are one error to the caller. */
const unique = (issues: FieldIssue[]) => [...new Map(issues.map((i) => [`${i.field}\n${i.message}`, i])).values()];

/**
 * Checks a post and works out exactly what each platform account will receive. Used both to
 * store a post and, unchanged, by the dry run, so the preview is never a different code path.
 */
export async function planPost(
  deps: { db: Kysely<Database>; accounts: Accounts; mediaInfo?: MediaLookup; checkImageUrl?: UrlCheck },
  input: { workspaceId: string; settings: WorkspaceSettings; request: PostRequest; now?: number },
): Promise<PostPlan> {
  const { request } = input;
  const time = resolveScheduledAt(request, input.now);
  const errors: FieldIssue[] = [...time.errors];
  const warnings: FieldIssue[] = [...time.warnings];
  const utm = utmFor(request.utm, input.settings.utm);
  const deliveries: PlannedDelivery[] = [];

  const workspaceAccounts = await listAccounts(deps.db, input.workspaceId);
  const media = await lookUpMedia(request, async (id) => deps.mediaInfo?.(input.workspaceId, id));
  if (deps.checkImageUrl) {
    const checked = await checkUrls(request, deps.checkImageUrl);
    errors.push(...checked.errors);
    warnings.push(...checked.warnings);
  }
  const named = request.accounts ?? [];
  named.forEach((name, i) => {
    if (!workspaceAccounts.some((a) => a.id === name || a.username === name)) errors.push({ field: `accounts.${i}`, message: `no connected account "${name}" in this workspace` });
  });

  for (const platform of request.platforms) {
    const onPlatform = workspaceAccounts.filter((a) => a.platform === platform && a.status !== 'disconnected');
    const chosen = named.length ? onPlatform.filter((a) => named.includes(a.id) || named.includes(a.username)) : onPlatform;
    if (!onPlatform.length) {
      errors.push({ field: 'platforms', message: `no ${platform} account is connected to this workspace` });
      continue;
    }
    if (!chosen.length) {
      errors.push({ field: 'accounts', message: `names none of this workspace's ${platform} accounts (${onPlatform.map((a) => a.username).join(', ')})` });
      continue;
    }
    if (chosen.length > 1 && !named.length) {
      errors.push({ field: 'accounts', message: `the workspace has ${chosen.length} ${platform} accounts (${chosen.map((a) => `${a.username} ${a.id}`).join(', ')}); list the ones to post to` });
      continue;
    }
    for (const account of chosen) {
      if (account.status === 'needs_reauth') {
        errors.push({ field: 'accounts', message: `${platform} account ${account.username} must be reconnected before posting` });
        continue;
      }
      const planned = await planPinterest(deps.accounts, account, request, (link) => withUtm(link, utm), media);
      errors.push(...planned.errors);
      if (planned.delivery) deliveries.push(planned.delivery);
    }
  }
  return { scheduledAt: time.at, deliveries, errors: unique(errors), warnings: unique([...warnings, ...deliveries.flatMap((d) => d.warnings)]) };
}

/** Fetches and probes an image URL: messages about it, errors stopping the post. */
export type UrlCheck = (url: string) => Promise<{ errors: string[]; warnings: string[] }>;

/** Every image URL the post names, checked at once (they are independent and mostly remote). */
async function checkUrls(request: PostRequest, check: UrlCheck): Promise<{ errors: FieldIssue[]; warnings: FieldIssue[] }> {
  const o = request.platform_options?.pinterest;
  const named: Array<[string, string | undefined]> = [
    ['media_url', request.media_url],
    ['platform_options.pinterest.cover_image_url', o?.cover_image_url],
    ...(o?.carousel ?? []).map((item, i): [string, string | undefined] => [`platform_options.pinterest.carousel.${i}.media_url`, item.media_url]),
  ];
  const urls = named.filter((n): n is [string, string] => n[1] !== undefined && /^https?:\/\//i.test(n[1]));
  const results = await Promise.all(urls.map(([, url]) => check(url)));
  return {
    errors: urls.flatMap(([field], i) => results[i]!.errors.map((message) => ({ field, message }))),
    warnings: urls.flatMap(([field], i) => results[i]!.warnings.map((message) => ({ field, message }))),
  };
}

/** Looks up every media id the post names, once, so adapting stays synchronous and pure. */
async function lookUpMedia(request: PostRequest, info: (id: string) => Promise<MediaInfo | undefined>) {
  const o = request.platform_options?.pinterest;
  const ids = [request.media_id, o?.cover_media_id, ...(o?.carousel ?? []).map((i) => i.media_id)].filter((x): x is string => x !== undefined);
  const found = new Map<string, MediaInfo | undefined>();
  for (const id of new Set(ids)) found.set(id, await info(id));
  return (id: string) => found.get(id);
}

async function planPinterest(
  accounts: Accounts,
  account: Account,
  request: PostRequest,
  tag: (link: string) => string,
  media: (id: string) => MediaInfo | undefined,
): Promise<{ delivery?: PlannedDelivery; errors: FieldIssue[] }> {
  const options = request.platform_options?.pinterest ?? {};
  const errors: FieldIssue[] = [];
  const OPT = 'platform_options.pinterest';
  const boardRef = options.board_id ?? options.board;
  if (!boardRef) return { errors: [{ field: `${OPT}.board_id`, message: 'is required for Pinterest (or board, a board name)' }] };
  if (options.board_id && options.board) return { errors: [{ field: `${OPT}.board`, message: 'give either board_id or board, not both' }] };
  const boardField = options.board_id ? `${OPT}.board_id` : `${OPT}.board`;
  const board = await accounts.boards().resolve(account.id, boardRef);
  if (!board) return { errors: [{ field: boardField, message: `no board "${boardRef}" on Pinterest account ${account.username}` }] };

  let sectionId: string | undefined;
  const sectionRef = options.board_section_id ?? options.board_section;
  if (sectionRef) {
    const section = await accounts.boards().resolveSection(account.id, board.id, sectionRef);
    if (!section) errors.push({ field: options.board_section_id ? `${OPT}.board_section_id` : `${OPT}.board_section`, message: `no section "${sectionRef}" on board ${board.name}` });
    sectionId = section?.id;
  }
  const adapted = adaptPin({ content: request.content, link: request.link, mediaUrl: request.media_url, mediaId: request.media_id, media, options, boardId: board.id, sectionId, tag });
  errors.push(...adapted.errors);
  if (errors.length) return { errors };
  return { delivery: { platform: 'pinterest', account, payload: adapted.payload, warnings: adapted.warnings }, errors };
}
