import type { Kysely } from 'kysely';
import { listAccounts, type Account, type Accounts } from '../accounts/index.js';
import { connectorFor, platformProblem, type Adaptation, type Connector, type Draft, type FieldIssue, type MediaInfo } from '../connectors/index.js';
import { literalRefusal } from '../net/index.js';
import type { Database } from '../store/index.js';
import type { WorkspaceSettings } from '../workspaces/index.js';
import type { PlatformOptions, PostRequest } from './request.js';
import { resolveScheduledAt } from './schedule-time.js';
import { utmFor, withUtm } from './utm.js';
import { planTiming, spaceDestinations, takeNextSlot, type SeasonPlan } from './timing.js';
import { adviseSeo, checkLinks, findDuplicates, type LinkCheck } from './advice.js';

/** What planning may know of a workspace's stored media. */
export type MediaLookup = (workspaceId: string, mediaId: string) => Promise<MediaInfo | undefined>;

/** Fetches and probes a media URL: problems that stop the post, advice, and what the bytes are when they could be read. */
export type UrlCheck = (url: string) => Promise<{ errors: string[]; warnings: string[]; probe?: MediaInfo & { unreadable?: string } }>;

/** One delivery-to-be: what one account of one platform will receive. */
export interface PlannedDelivery {
  platform: string;
  account: Account;
  payload: unknown;
  warnings: FieldIssue[];
  /** What Pinion changed so the post fits this platform (also among the warnings). */
  adaptations: Adaptation[];
  /** After the post's time: the second board of one account goes one `interval` after the first, … */
  offsetMs: number;
}

export interface PostPlan {
  scheduledAt: number;
  deliveries: PlannedDelivery[];
  errors: FieldIssue[];
  warnings: FieldIssue[];
  season?: SeasonPlan;
  /** The post took the account's next free queue slot. */
  queued?: boolean;
}

/** Errors named after the same field by several accounts are one error to the caller. */
const unique = (issues: FieldIssue[]) => [...new Map(issues.map((i) => [`${i.field}\n${i.message}`, i])).values()];

/**
 * Checks a post and works out exactly what each platform account will receive. Used both to
 * store a post and, unchanged, by the dry run, so the preview is never a different code path.
 * Each platform's connector plans its own deliveries; this only chooses accounts and hands
 * each the post as that platform should see it (its overrides applied).
 */
export async function planPost(
  deps: { db: Kysely<Database>; accounts: Accounts; mediaInfo?: MediaLookup; checkUrl?: UrlCheck; checkLink?: LinkCheck; publicUrl?: string },
  input: {
    workspaceId: string;
    settings: WorkspaceSettings;
    request: PostRequest;
    now?: number;
    advise?: boolean;
    postId?: string;
    reservedSlots?: ReadonlySet<number>;
    checkDuplicates?: boolean;
  },
): Promise<PostPlan> {
  const { request } = input;
  const now = input.now ?? Date.now();
  const time = planTiming(request, now, resolveScheduledAt);
  const errors: FieldIssue[] = [...time.errors];
  const warnings: FieldIssue[] = [...time.warnings];
  const utm = utmFor(request.utm, input.settings.utm);
  const deliveries: PlannedDelivery[] = [];

  const connectors: Array<[number, Connector]> = [];
  request.platforms.forEach((platform, i) => {
    const problem = platformProblem(platform);
    if (problem) errors.push({ field: `platforms.${i}`, message: problem });
    else connectors.push([i, connectorFor(platform)]);
  });
  const refs = mediaRefs(
    request,
    connectors.map(([, c]) => c),
  );
  const media = await lookUpMedia(refs.ids, async (id) => deps.mediaInfo?.(input.workspaceId, id));
  if (deps.checkUrl) {
    const checked = await checkUrls(
      refs.urls,
      deps.checkUrl,
      connectors.map(([, c]) => c),
      request,
    );
    errors.push(...checked.errors.map(({ field, message }) => ({ field, message })));
    warnings.push(...checked.warnings);
  }
  if (deps.checkLink) {
    const checked = await checkLinks(
      request,
      connectors.map(([, c]) => c),
      deps.checkLink,
    );
    errors.push(...checked.errors);
    warnings.push(...checked.warnings);
  }

  const workspaceAccounts = await listAccounts(deps.db, input.workspaceId);
  const named = request.accounts ?? [];
  named.forEach((name, i) => {
    if (!workspaceAccounts.some((a) => a.id === name || a.username === name))
      errors.push({ field: `accounts.${i}`, message: `no connected account "${name}" in this workspace` });
  });

  for (const [index, connector] of connectors) {
    const { id: platform, name } = connector.facts;
    const onPlatform = workspaceAccounts.filter((a) => a.platform === platform && a.status !== 'disconnected');
    const chosen = named.length ? onPlatform.filter((a) => named.includes(a.id) || named.includes(a.username)) : onPlatform;
    if (!onPlatform.length) {
      errors.push({
        field: `platforms.${index}`,
        message: `no ${name} account is connected to this workspace; connect one with POST /api/v1/accounts/connect {"platform":"${platform}"}`,
      });
      continue;
    }
    if (!chosen.length) {
      errors.push({ field: 'accounts', message: `names none of this workspace's ${name} accounts (${onPlatform.map((a) => a.username).join(', ')})` });
      continue;
    }
    if (chosen.length > 1 && !named.length) {
      errors.push({
        field: 'accounts',
        message: `the workspace has ${chosen.length} ${name} accounts (${chosen.map((a) => `${a.username} ${a.id}`).join(', ')}); list the ones to post to`,
      });
      continue;
    }
    const draft = draftFor(request, connector, (link) => withUtm(link, utm), media);
    const unreachable = connector.facts.capabilities.fetchesMediaByUrl && deps.publicUrl ? publicUrlProblem(deps.publicUrl) : undefined;
    if (unreachable && (draft.mediaId !== undefined || refs.ids.some(([field]) => field.startsWith(`platform_options.${platform}.`)))) {
      warnings.push({
        field: `platforms.${index}`,
        message: `${name} downloads stored media from Pinion's public URL ${deps.publicUrl}, which it cannot reach (${unreachable}); set publicUrl (PINION_PUBLIC_URL) to an address on the internet, or give the media as a public media_url`,
      });
    }
    const places = connector.destinations?.(draft.options) ?? [];
    const drafts = places.length ? places.map((p) => ({ ...draft, options: p.options })) : [draft];
    if (input.advise) warnings.push(...adviseSeo(connector, draft, request.keywords));
    for (const account of chosen) {
      if (account.status === 'needs_reauth') {
        errors.push({ field: 'accounts', message: `${name} account ${account.username} must be reconnected before posting (POST /api/v1/accounts/connect)` });
        continue;
      }
      for (const [place, placeDraft] of drafts.entries()) {
        const plan = await connector.plan(placeDraft, deps.accounts.context(account));
        const where = (issue: FieldIssue) =>
          drafts.length > 1 ? { ...issue, field: issue.field.replace(/\.(board|board_id|board_section|board_section_id)$/, `.boards.${place}.$1`) } : issue;
        errors.push(...plan.errors.map(where));
        // With strict, every change Pinion would make is a refusal instead.
        if (request.strict) errors.push(...plan.adaptations.map((a) => ({ field: a.field, message: `${a.message} — refused because the post is strict` })));
        if (plan.errors.length || (request.strict && plan.adaptations.length)) continue;
        const issues = [...plan.warnings, ...plan.adaptations.map(({ field, message }) => ({ field, message }))];
        deliveries.push({ platform, account, payload: plan.payload, warnings: issues, adaptations: plan.adaptations, offsetMs: 0 });
      }
    }
  }
  errors.push(...spaceDestinations(request, deliveries));
  let scheduledAt = time.at;
  if (time.queued && deliveries.length) {
    const slot = await takeNextSlot(deps.db, deliveries, now, { postId: input.postId, reserved: input.reservedSlots });
    if (slot.error) errors.push(slot.error);
    else scheduledAt = slot.at!;
  }
  // A batch checks its posts for duplicates all at once instead (findDuplicatesMany).
  if (!errors.length && input.checkDuplicates !== false) warnings.push(...(await findDuplicates(deps.db, deliveries, scheduledAt, input.postId)));
  return {
    scheduledAt,
    deliveries,
    errors: unique(errors),
    warnings: unique([...warnings, ...time.lateWarning(scheduledAt), ...deliveries.flatMap((d) => d.warnings)]),
    season: time.season,
    queued: time.queued,
  };
}

/** The post as one platform sees it: its own content, link and media where given, else the post's. */
function draftFor(request: PostRequest, connector: Connector, tag: (link: string) => string, media: (id: string) => MediaInfo | undefined): Draft {
  const at = `platform_options.${connector.facts.id}`;
  const o: PlatformOptions = request.platform_options?.[connector.facts.id] ?? {};
  const { content, link, media_url, media_id, ...options } = o;
  const own = <T>(value: T | undefined, field: string, fallback: T | undefined, fallbackField: string): [T | undefined, string] =>
    value !== undefined ? [value, `${at}.${field}`] : [fallback, fallbackField];
  const [text, contentField] = own(content, 'content', request.content, 'content');
  const [url, linkField] = own(link, 'link', request.link, 'link');
  const ownMedia = media_url !== undefined || media_id !== undefined;
  return {
    content: text,
    contentField,
    link: url,
    linkField,
    mediaUrl: ownMedia ? media_url : request.media_url,
    mediaId: ownMedia ? media_id : request.media_id,
    options,
    strict: request.strict ?? false,
    tag,
    media,
  };
}

/** Every media URL and stored media id the post names, for every platform it goes to. */
function mediaRefs(request: PostRequest, connectors: Connector[]) {
  const urls: Array<[string, string]> = [];
  const ids: Array<[string, string]> = [];
  if (request.media_url) urls.push(['media_url', request.media_url]);
  if (request.media_id) ids.push(['media_id', request.media_id]);
  for (const c of connectors) {
    const o = request.platform_options?.[c.facts.id];
    if (!o) continue;
    const at = `platform_options.${c.facts.id}`;
    if (o.media_url) urls.push([`${at}.media_url`, o.media_url]);
    if (o.media_id) ids.push([`${at}.media_id`, o.media_id]);
    const own = c.mediaRefs?.(o);
    if (own) {
      urls.push(...own.urls);
      ids.push(...own.ids);
    }
  }
  return { urls, ids };
}

/** A media problem, with the platforms whose deliveries it stops. */
export interface MediaProblem extends FieldIssue {
  platforms: string[];
}

/** The post's media URLs checked with `check` and judged by each platform it goes to: what the media preflight runs. */
export async function checkPostMedia(request: PostRequest, check: UrlCheck): Promise<{ errors: MediaProblem[]; warnings: FieldIssue[] }> {
  const connectors = request.platforms.filter((p) => !platformProblem(p)).map((p) => connectorFor(p));
  return checkUrls(mediaRefs(request, connectors).urls, check, connectors, request);
}

/** The media URLs a post names, by field (what `checkPostMedia` would check). */
export function postMediaUrls(request: PostRequest): Array<[field: string, url: string]> {
  const connectors = request.platforms.filter((p) => !platformProblem(p)).map((p) => connectorFor(p));
  return mediaRefs(request, connectors).urls.filter(([, url]) => /^https?:\/\//i.test(url));
}

/**
 * Every URL checked at once (they are independent and mostly remote), then the bytes judged by
 * each platform that will use them: a platform's own URLs by that platform, the post-wide
 * `media_url` by every platform without its own media.
 */
async function checkUrls(
  named: Array<[string, string]>,
  check: UrlCheck,
  connectors: Connector[],
  request: PostRequest,
): Promise<{ errors: MediaProblem[]; warnings: FieldIssue[] }> {
  const urls = named.filter(([, url]) => /^https?:\/\//i.test(url));
  const results = await Promise.all(urls.map(([, url]) => check(url)));
  const errors: MediaProblem[] = [];
  const warnings: FieldIssue[] = [];
  urls.forEach(([field], i) => {
    const r = results[i]!;
    const users = connectors.filter((c) => {
      const own = `platform_options.${c.facts.id}.`;
      if (field.startsWith('platform_options.')) return field.startsWith(own);
      const o = request.platform_options?.[c.facts.id];
      return o?.media_url === undefined && o?.media_id === undefined;
    });
    errors.push(...r.errors.map((message) => ({ field, message, platforms: users.map((c) => c.facts.id) })));
    warnings.push(...r.warnings.map((message) => ({ field, message })));
    if (!r.probe) return;
    for (const c of users) {
      const platforms = [c.facts.id];
      if (!(c.media.byUrl ?? ['image']).includes(r.probe.kind as 'image' | 'video')) {
        errors.push({
          field,
          message: `is ${r.probe.mime}; ${c.facts.name} takes ${(c.media.byUrl ?? ['image']).join(' and ')} by URL: upload it (POST /api/v1/media) and give media_id`,
          platforms,
        });
        continue;
      }
      const verdict = c.media.check(r.probe);
      errors.push(...verdict.errors.map((e) => ({ field, message: e.message, platforms })));
      warnings.push(...verdict.warnings.map((w) => ({ field, message: w.message })));
    }
  });
  return { errors, warnings };
}

/** Why a platform on the internet cannot reach Pinion's public URL, or undefined when it may (only DNS could tell more). */
function publicUrlProblem(publicUrl: string): string | undefined {
  try {
    return literalRefusal(new URL(publicUrl));
  } catch {
    return 'it is not a URL';
  }
}

/** Looks up every media id the post names, once, so adapting stays synchronous and pure. */
async function lookUpMedia(named: Array<[string, string]>, info: (id: string) => Promise<MediaInfo | undefined>) {
  const found = new Map<string, MediaInfo | undefined>();
  for (const id of new Set(named.map(([, id]) => id))) found.set(id, await info(id));
  return (id: string) => found.get(id);
}
