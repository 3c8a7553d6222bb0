import twitterText from 'twitter-text';
import type { XClient, XPost } from './client.js';
import type { XPart, XPayload } from './plan.js';

/** Clocks of Pinion and X may differ; posts this much older than the attempt still count. */
export const CLOCK_SKEW_MS = 5 * 60_000;
/** Pages of 100 posts read at most when looking for what an attempt made. */
const SCAN_PAGES = 5;
const URL_MARK = '\u0000url';

/**
 * A post's text as compared. X answers with `&`, `<` and `>` HTML-escaped, may normalise Unicode
 * (NFC), and replaces every link with a t.co link, so each URL (as twitter-text finds them,
 * with or without a scheme) becomes one mark and whitespace runs become one space. Two texts that
 * differ only in their links therefore compare equal; `exclude` and the time window keep other
 * deliveries' posts out.
 */
export function comparable(text: string): string {
  const plain = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').normalize('NFC');
  let out = plain;
  for (const u of twitterText.extractUrlsWithIndices(plain).sort((a, b) => b.indices[0] - a.indices[0])) {
    out = `${out.slice(0, u.indices[0])}${URL_MARK}${out.slice(u.indices[1])}`;
  }
  return out.replace(/\s+/gu, ' ').trim();
}

/** Does this post carry the part's text? A post with media ends with one more t.co link (to the media). */
export function sameText(post: string, part: XPart): boolean {
  const got = comparable(post);
  const want = comparable(part.text);
  if (got === want) return true;
  return (part.media?.length ?? 0) > 0 && got === `${want} ${URL_MARK}`.trim();
}

/** Snowflake ids grow with time: the smaller is the older. */
const older = (a: XPost, b: XPost) => (a.id.length !== b.id.length ? a.id.length - b.id.length : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The user's posts and replies created since `since`, every page up to the page budget; in no particular order. */
export async function recentPosts(client: XClient, token: string, userId: string, since: number): Promise<XPost[]> {
  const posts: XPost[] = [];
  let next: string | undefined;
  for (let page = 0; page < SCAN_PAGES; page++) {
    const res = await client.userPosts(token, userId, { startTime: new Date(since - CLOCK_SKEW_MS), paginationToken: next });
    posts.push(...res.posts);
    next = res.next;
    if (!next) break;
  }
  return posts;
}

/**
 * Which of `posts` is part `index` of the payload, given the ids of the parts already out: its
 * text matches, it is no other delivery's (`exclude`) nor an earlier part, and it sits where it
 * must in the thread (the first part starts its conversation; later parts belong to the first
 * part's conversation, when X says). The oldest match wins, whatever order X listed them in.
 */
export function pickPart(posts: XPost[], payload: XPayload, index: number, done: readonly string[], exclude: ReadonlySet<string>): XPost | undefined {
  const part = payload.parts[index];
  if (!part) return undefined;
  const root = done[0];
  return posts
    .filter((p) => !exclude.has(p.id) && !done.includes(p.id) && sameText(p.text, part))
    .filter((p) => p.conversation_id === undefined || (index === 0 ? p.conversation_id === p.id : p.conversation_id === root))
    .sort(older)[0];
}

/** Extends `done` with every further part found in `posts`, in order; stops at the first part not found. */
export function adoptFound(posts: XPost[], payload: XPayload, done: readonly string[], exclude: ReadonlySet<string>): string[] {
  const out = [...done];
  while (out.length < payload.parts.length) {
    const found = pickPart(posts, payload, out.length, out, exclude);
    if (!found) break;
    out.push(found.id);
  }
  return out;
}
