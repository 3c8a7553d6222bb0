import type { AccountContext } from '../contract.js';
import type { CreatorInfo, TikTokClient } from './client.js';
import { TIKTOK } from './platform.js';

/**
 * What the creator may post, as creator_info/query says, kept briefly per account: planning asks
 * for every post (and validation may run several times in a row), and the endpoint allows 20 calls
 * a minute per token.
 */
export class CreatorInfoCache {
  private readonly entries = new Map<string, { info: CreatorInfo; until: number }>();

  constructor(private readonly ttlMs = TIKTOK.creatorInfoTtlMs) {}

  async get(client: TikTokClient, ctx: AccountContext, now = Date.now()): Promise<CreatorInfo> {
    const key = `${ctx.config.apiBaseUrl}\u0000${ctx.account.id}`;
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.info;
    const info = await ctx.withToken((t) => client.creatorInfo(t));
    this.entries.set(key, { info, until: now + this.ttlMs });
    if (this.entries.size > 10_000) this.entries.delete(this.entries.keys().next().value!);
    return info;
  }
}

/** Why this post cannot go out as asked, given what the creator offers; empty when it can. */
export function creatorProblems(
  info: CreatorInfo,
  post: { privacy_level?: string; allowComment: boolean; allowDuet: boolean; allowStitch: boolean; durationMs?: number | null; mediaField?: string },
  at: string,
): Array<{ field: string; message: string }> {
  const issues: Array<{ field: string; message: string }> = [];
  const offered = info.privacy_level_options ?? [];
  const who = info.creator_username ? `@${info.creator_username}` : 'this creator';
  if (post.privacy_level === undefined) {
    issues.push({
      field: `${at}.privacy_level`,
      message: `is required: TikTok asks that the audience is chosen for every post; ${who} offers ${offered.join(', ')}`,
    });
  } else if (!offered.includes(post.privacy_level)) {
    issues.push({ field: `${at}.privacy_level`, message: `${post.privacy_level} is not offered by ${who} on TikTok; choose one of ${offered.join(', ')}` });
  }
  if (post.allowComment && info.comment_disabled)
    issues.push({ field: `${at}.allow_comment`, message: `${who} has comments turned off in TikTok; leave allow_comment out or false` });
  if (post.allowDuet && info.duet_disabled)
    issues.push({ field: `${at}.allow_duet`, message: `${who} has duets turned off in TikTok; leave allow_duet out or false` });
  if (post.allowStitch && info.stitch_disabled)
    issues.push({ field: `${at}.allow_stitch`, message: `${who} has stitches turned off in TikTok; leave allow_stitch out or false` });
  const maxSec = Math.min(info.max_video_post_duration_sec ?? TIKTOK.media.maxVideoSeconds, TIKTOK.media.maxVideoSeconds);
  if (post.durationMs != null && post.durationMs > maxSec * 1000) {
    issues.push({
      field: post.mediaField ?? 'media_id',
      message: `the video lasts ${Math.round(post.durationMs / 100) / 10} s; ${who} may post videos of up to ${maxSec} s through the API`,
    });
  }
  return issues;
}
