import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';

export interface XUser {
  id: string;
  name: string;
  username: string;
  createdAt: Date;
}

export interface XApp {
  clientId: string;
  /** A confidential client authenticates with HTTP Basic; a public client (no secret) sends client_id in the form. */
  clientSecret?: string;
  /** Exact-match callback URLs; undefined accepts any http(s) URL. */
  redirectUris?: string[];
}

export interface AuthorizationCode {
  code: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
  expiresAt: number;
}

export interface IssuedToken {
  token: string;
  kind: 'access' | 'refresh';
  clientId: string;
  userId: string;
  scopes: string[];
  expiresAt: number;
}

export type ReplySettings = 'following' | 'mentionedUsers' | 'subscribers' | 'verified' | 'everyone';

export interface Tweet {
  id: string;
  authorId: string;
  /** As sent; duplicates are judged on it. */
  text: string;
  /** As X shows it in answers (see shown-text.ts), or as sent when `showTextAsX` is off. */
  shownText: string;
  createdAt: Date;
  mediaIds: string[];
  inReplyToTweetId: string | null;
  inReplyToUserId: string | null;
  quoteTweetId: string | null;
  conversationId: string;
  replySettings: ReplySettings;
  poll: { options: string[]; durationMinutes: number } | null;
  deletedAt: Date | null;
}

export type MediaKind = 'image' | 'gif' | 'video';
export type ProcessingState = 'pending' | 'in_progress' | 'succeeded' | 'failed';

export interface Media {
  id: string;
  /** X's media keys are `<type>_<id>`: 3 photo, 7 video, 13 amplify video, 16 animated GIF. */
  key: string;
  ownerId: string;
  additionalOwners: string[];
  mediaType: string;
  category: string;
  kind: MediaKind;
  /** Declared at initialize (chunked upload); the one-shot upload has none. */
  totalBytes: number | null;
  segments: Map<number, Buffer>;
  bytes: Buffer | null;
  finalizedAt: number | null;
  /** Decided when the bytes are checked: null while unknown. */
  usable: boolean | null;
  failureReason: string | null;
  image: { width: number; height: number; type: string } | null;
  altText: string | null;
  createdAt: number;
  expiresAt: number;
}

/** Twitter's snowflake epoch (2010-11-04T01:42:54.657Z): ids sort by creation time, as X's do. */
const SNOWFLAKE_EPOCH = 1288834974657n;

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export class XState {
  readonly users = new Map<string, XUser>();
  readonly apps = new Map<string, XApp>();
  readonly authorizationCodes = new Map<string, AuthorizationCode>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly tweets = new Map<string, Tweet>();
  readonly media = new Map<string, Media>();
  /** Calls per operation ("POST /2/tweets"), counted as they arrive, including ones later failed or faulted. */
  readonly operationCalls = new Map<string, number>();
  readonly userOperationCalls = new Map<string, Map<string, number>>();
  private lastId = 0n;

  constructor(
    private readonly defaultApps: XApp[],
    private readonly clock: Clock,
  ) {
    this.reset();
  }

  /** Snowflake-like: milliseconds since the epoch in the high bits, so later objects always get larger ids. */
  newId(): string {
    const candidate = (BigInt(this.clock.now()) - SNOWFLAKE_EPOCH) << 22n;
    this.lastId = candidate > this.lastId ? candidate : this.lastId + 1n;
    return this.lastId.toString();
  }

  reset(): void {
    for (const map of [this.users, this.apps, this.authorizationCodes, this.tokens, this.tweets, this.media, this.operationCalls, this.userOperationCalls])
      map.clear();
    for (const app of this.defaultApps) this.apps.set(app.clientId, { ...app });
  }

  createUser(input: { username?: string; name?: string } = {}): XUser {
    const id = this.newId();
    const username = input.username ?? `sandbox_${id.slice(-6)}`;
    const user: XUser = { id, username, name: input.name ?? username, createdAt: new Date(this.clock.now()) };
    this.users.set(id, user);
    return user;
  }

  findUserByUsername(username: string): XUser | undefined {
    for (const user of this.users.values()) if (user.username.toLowerCase() === username.toLowerCase()) return user;
    return undefined;
  }

  countCall(operation: string, userId?: string): void {
    this.operationCalls.set(operation, (this.operationCalls.get(operation) ?? 0) + 1);
    if (userId === undefined) return;
    let perUser = this.userOperationCalls.get(userId);
    if (!perUser) this.userOperationCalls.set(userId, (perUser = new Map()));
    perUser.set(operation, (perUser.get(operation) ?? 0) + 1);
  }

  /** A user's live tweets, newest first. */
  timeline(userId: string): Tweet[] {
    return [...this.tweets.values()].filter((t) => t.authorId === userId && t.deletedAt === null).sort((a, b) => compareIds(b.id, a.id));
  }

  liveTweet(id: string): Tweet | undefined {
    const tweet = this.tweets.get(id);
    return tweet && tweet.deletedAt === null ? tweet : undefined;
  }
}

export function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
