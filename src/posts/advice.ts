import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { connectorFor, type Connector, type Draft, type FieldIssue } from '../connectors/index.js';
import { reusable, type Database } from '../store/index.js';
import { linkIssues, type LinkReport } from '../links/index.js';
import type { PostRequest } from './request.js';
import { duplicateWarning, isLive, legacyDeliveriesMayRemain } from './duplicates.js';

/** Link preflight of one destination (cached per URL by the caller); undefined: not checked now (the background preflight will). */
export type LinkCheck = (url: string) => Promise<LinkReport> | undefined;

/**
 * The destination links a post names, checked: broken or redirecting links are warnings (errors
 * with `strict`), and each platform's rich-preview verdict is advice.
 */
export async function checkLinks(request: PostRequest, connectors: Connector[], check: LinkCheck): Promise<{ errors: FieldIssue[]; warnings: FieldIssue[] }> {
  const named: Array<[field: string, url: string, platforms: string[]]> = [];
  const ids = connectors.map((c) => c.facts.id);
  const own = connectors.filter((c) => request.platform_options?.[c.facts.id]?.link !== undefined).map((c) => c.facts.id);
  if (request.link) named.push(['link', request.link, ids.filter((id) => !own.includes(id))]);
  for (const id of own) named.push([`platform_options.${id}.link`, request.platform_options![id]!.link!, [id]]);
  const urls = named.filter(([, url]) => /^https?:\/\//i.test(url));
  const reports = await Promise.all(urls.map(([, url]) => check(url)));
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  urls.forEach(([field, , platforms], i) => {
    const report = reports[i];
    if (!report) return;
    const issues = linkIssues(field, report, request.strict ?? false, platforms);
    errors.push(...issues.errors);
    warnings.push(...issues.warnings);
  });
  return { errors, warnings };
}

const mentions = (text: string, keyword: string) => text.toLowerCase().includes(keyword.toLowerCase());

/** Search advice for platforms found through search (posts:validate only): keywords in the title, enough description, alt text. */
export function adviseSeo(connector: Connector, draft: Draft, keywords: string[] | undefined): FieldIssue[] {
  const seo = connector.seo;
  if (!seo) return [];
  const at = `platform_options.${connector.facts.id}`;
  const out: FieldIssue[] = [];
  const title = draft.options[seo.titleOption] as string | undefined;
  if (!title)
    out.push({
      field: `${at}.${seo.titleOption}`,
      message: `is empty: a ${connector.facts.name} title with the words people search for helps it be found (POST /api/v1/pins:suggest proposes one)`,
    });
  else if (keywords?.length && !keywords.some((k) => mentions(title, k))) {
    out.push({ field: `${at}.${seo.titleOption}`, message: `carries none of the keywords (${keywords.join(', ')}): put one near the start` });
  }
  const description = ((seo.descriptionOption && (draft.options[seo.descriptionOption] as string | undefined)) || draft.content) ?? '';
  if (description.length < seo.descriptionMin) {
    const field = seo.descriptionOption && draft.options[seo.descriptionOption] ? `${at}.${seo.descriptionOption}` : draft.contentField;
    out.push({
      field,
      message: `is ${description.length} characters: under ${seo.descriptionMin} gives search little to go on (up to ${seo.descriptionShown} are shown)`,
    });
  }
  if (seo.altTextOption && (draft.mediaUrl || draft.mediaId) && !draft.options[seo.altTextOption]) {
    out.push({ field: `${at}.${seo.altTextOption}`, message: 'is missing: alt text describes the image to people using screen readers and to search' });
  }
  return out;
}

type Near = [accountId: string, platform: string, from: number, to: number, otherThan: string];
const near = (eb: ExpressionBuilder<Database, 'deliveries'>, [accountId, platform, from, to, otherThan]: Near) =>
  eb.and([
    eb('account_id', '=', accountId),
    eb('platform', '=', platform),
    isLive(eb),
    eb('scheduled_at', '>', from),
    eb('scheduled_at', '<', to),
    // Every post id is non-empty, so '' (a new post) excludes nothing: one statement for both cases.
    eb('post_id', '!=', otherThan),
  ]);

/** The earliest delivery with this key near that time (the index on account, key and time answers it). */
const keyedNear = reusable('duplicates.keyed', (db, key: string, ...at: Near) =>
  db
    .selectFrom('deliveries')
    .select(['post_id', 'scheduled_at'])
    .where('duplicate_key', '=', key)
    .where((eb) => near(eb, at))
    .orderBy('scheduled_at')
    // Written into the SQL: with a bound LIMIT SQLite reads the index entries differently (16 µs against 5 µs measured).
    .limit(sql.lit(1)),
);

/** Deliveries stored before deliveries carried their key, near that time: judged by their payload. */
const unkeyedNear = reusable('duplicates.unkeyed', (db, ...at: Near) =>
  db
    .selectFrom('deliveries')
    .select(['post_id', 'payload', 'scheduled_at'])
    .where('duplicate_key', 'is', null)
    .where((eb) => near(eb, at))
    .orderBy('scheduled_at')
    .limit(sql.lit(2000)),
);

/**
 * Posts of the same account near the same time that the platform would see as the same post
 * (the same image and link on the same board, say): a warning naming the earlier post. Each
 * delivery stores its key (duplicate_key), so this is one indexed lookup; deliveries stored before
 * that column existed (NULL) are still read and judged one by one while any remain. Many posts at
 * once: findDuplicatesMany.
 */
export async function findDuplicates(
  db: Kysely<Database>,
  deliveries: Array<{ platform: string; account: { id: string }; payload: unknown; offsetMs: number }>,
  at: number,
  postId?: string,
): Promise<FieldIssue[]> {
  const out: FieldIssue[] = [];
  for (const d of deliveries) {
    const rule = connectorFor(d.platform).duplicates;
    const key = rule?.key(d.payload);
    if (!rule || !key) continue;
    const when = at + d.offsetMs;
    const window = rule.windowDays * 86_400_000;
    const where: Near = [d.account.id, d.platform, when - window, when + window, postId ?? ''];
    const [keyed] = await keyedNear(db, key, ...where);
    const older = legacyDeliveriesMayRemain(db) ? await unkeyedNear(db, ...where) : [];
    const unkeyed = older.find((row) => rule.key(JSON.parse(row.payload)) === key);
    const same = keyed && unkeyed ? (Number(unkeyed.scheduled_at) < Number(keyed.scheduled_at) ? unkeyed : keyed) : (keyed ?? unkeyed);
    if (same) out.push(duplicateWarning(d.platform, rule, same));
  }
  return out;
}
