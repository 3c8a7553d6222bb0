import { ConnectorError } from '../errors.js';
import type { Published } from '../types.js';
import type { LinkedInClient, LinkedInPost } from './client.js';
import type { LinkedInPayload } from './plan.js';
import { LINKEDIN_LIMITS, postUrl, versionOf } from './platform.js';

/** The search's answer: the post kept, and any later copies to delete. (Declared here until the contract carries it.) */
export type FoundPublished = Published & { duplicates?: Published[] };

/** Clocks of Pinion and LinkedIn may differ; posts this much older than the attempt still count. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Pages read at most; past them without reaching posts older than the attempt, the search says it could not finish. */
const MAX_PAGES = 10;

/** Media URNs an attempt is known to have attached, from its saved progress (video URN, image URNs). */
export interface KnownMedia {
  video?: string;
  images?: string[];
}

/** Text as compared: LinkedIn may normalise Unicode and whitespace; escapes are compared as sent. */
const comparable = (s: string | undefined) => (s ?? '').normalize('NFC').replace(/\s+/gu, ' ').trim();

/** Does this listed post carry what the payload sends (text, and the same kind of content with the same media where known)? */
export function matches(post: LinkedInPost, p: LinkedInPayload, known: KnownMedia): boolean {
  if (post.author !== p.author || comparable(post.commentary) !== comparable(p.commentary)) return false;
  const c = post.content;
  if (p.article) return c?.article?.source === p.article.source;
  const media = p.media ?? [];
  if (media.length === 0) return !c?.media && !c?.multiImage && !c?.article;
  if (media[0]!.kind === 'video') return c?.media?.id !== undefined && (known.video ? c.media.id === known.video : c.media.id.startsWith('urn:li:video:'));
  const ids = media.length === 1 ? (c?.media ? [c.media.id] : []) : (c?.multiImage?.images ?? []).map((i) => i.id);
  if (ids.length !== media.length || !ids.every((id) => id.startsWith('urn:li:image:'))) return false;
  return !known.images || known.images.length !== media.length || [...known.images].sort().join() === [...ids].sort().join();
}

/**
 * The author's posts created since `since` (minus clock skew), every page until one holds only
 * older posts or the list ends. Only the stopping point reads the order LinkedIn lists in
 * (`sortBy=CREATED`, newest first); which post matches never does.
 */
export async function recentPosts(client: LinkedInClient, token: string, p: LinkedInPayload, since: number): Promise<LinkedInPost[]> {
  const cutoff = since - CLOCK_SKEW_MS;
  const count = LINKEDIN_LIMITS.pageSize;
  const posts: LinkedInPost[] = [];
  for (let page = 0, start = 0; page < MAX_PAGES; page++) {
    const res = await client.authorPosts(token, versionOf(p), p.author, start, count);
    posts.push(...res.posts.filter((x) => (x.createdAt ?? x.publishedAt ?? Infinity) >= cutoff));
    start += res.posts.length;
    const ended = res.posts.length < count || (res.total !== undefined && start >= res.total);
    const allOlder = res.posts.length > 0 && res.posts.every((x) => (x.createdAt ?? x.publishedAt ?? Infinity) < cutoff);
    if (ended || allOlder) return posts;
  }
  throw new ConnectorError(
    'retryable',
    `LinkedIn listed more than ${MAX_PAGES * count} posts of ${p.author} without reaching ones older than the attempt; will look again`,
  );
}

const published = (urn: string): Published => ({ externalId: urn, url: postUrl(urn) });

/** The oldest matching post not owned by another delivery, and the later ones as duplicates; whatever order they came in. */
export function pickFound(posts: LinkedInPost[], p: LinkedInPayload, known: KnownMedia, exclude: ReadonlySet<string>): FoundPublished | null {
  const found = posts
    .filter((x) => !exclude.has(x.id) && matches(x, p, known))
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!found[0]) return null;
  const duplicates = found.slice(1).map((x) => published(x.id));
  return { ...published(found[0].id), ...(duplicates.length > 0 && { duplicates }) };
}
