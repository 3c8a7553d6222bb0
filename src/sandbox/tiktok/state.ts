import { randomBytes } from 'node:crypto';
import { restoreMaps, snapshotMaps, type SnapshotBlobs } from '../common/index.js';

export interface SandboxApp {
  clientKey: string;
  clientSecret: string;
}

export interface SandboxUser {
  openId: string;
  username: string;
  nickname: string;
  /** What creator_info offers; an audited app's creator offers all four. */
  privacyLevelOptions: string[];
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  maxVideoPostDurationSec: number;
}

export interface IssuedToken {
  token: string;
  kind: 'access' | 'refresh';
  clientKey: string;
  openId: string;
  scopes: string[];
  expiresAt: number;
  /** A rotated refresh token, or a revoked grant's token: refused from then on. */
  revoked?: boolean;
}

export interface AuthCode {
  code: string;
  clientKey: string;
  openId: string;
  scopes: string[];
  redirectUri: string;
  codeChallenge?: string;
  expiresAt: number;
}

export type PublishStatus = 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'SEND_TO_USER_INBOX' | 'PUBLISH_COMPLETE' | 'FAILED';

/** One init: a video (upload or pull) or a photo post, and how far TikTok has got with it. */
export interface Publish {
  id: string;
  openId: string;
  clientKey: string;
  kind: 'video' | 'photo';
  mode: 'direct' | 'inbox';
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  postInfo: Record<string, unknown>;
  createdAt: number;
  /** FILE_UPLOAD */
  upload?: {
    token: string;
    videoSize: number;
    chunkSize: number;
    totalChunks: number;
    received: Buffer[];
    receivedBytes: number;
    expiresAt: number;
    mime?: string;
  };
  /** PULL_FROM_URL: what is fetched, and how the fetch went. */
  pull?: { urls: string[]; downloadedBytes: number; done: boolean; error?: string };
  /** When all bytes were in (upload done, pull done): processing starts. */
  bytesInAt?: number;
  /** Decided when the bytes are in: the fail_reason, if it fails. */
  failReason?: string;
  /** Set once the publish reached its end state. */
  finishedAt?: number;
  postId?: string;
}

/** A post made by a completed direct publish. */
export interface Post {
  id: string;
  openId: string;
  publishId: string;
  kind: 'video' | 'photo';
  title: string | null;
  description: string | null;
  privacyLevel: string;
  bytes: number;
  images: number;
  createdAt: number;
}

export const randomId = (prefix: string, bytes = 12) => `${prefix}${randomBytes(bytes).toString('hex')}`;

/** Everything the emulator remembers; one per sandbox instance. */
export class SandboxState {
  readonly apps = new Map<string, SandboxApp>();
  users = new Map<string, SandboxUser>();
  codes = new Map<string, AuthCode>();
  tokens = new Map<string, IssuedToken>();
  publishes = new Map<string, Publish>();
  posts = new Map<string, Post>();
  /** Inbox drafts (upload-to-inbox publishes that reached the inbox). */
  inbox: Array<{ openId: string; publishId: string; at: number }> = [];
  operationCalls = new Map<string, number>();
  userOperationCalls = new Map<string, Map<string, number>>();
  private postSeq = 7_300_000_000_000_000_000n;

  constructor(apps: SandboxApp[]) {
    for (const app of apps) this.apps.set(app.clientKey, app);
  }

  reset(): void {
    this.users = new Map();
    this.codes = new Map();
    this.tokens = new Map();
    this.publishes = new Map();
    this.posts = new Map();
    this.inbox = [];
    this.operationCalls = new Map();
    this.userOperationCalls = new Map();
  }

  private persisted(): Record<string, Map<unknown, unknown>> {
    const { users, codes, tokens, publishes, posts } = this;
    return { users, codes, tokens, publishes, posts } as unknown as Record<string, Map<unknown, unknown>>;
  }

  /**
   * Creators, tokens, publishes (an upload's chunks so far to `blobs`, so it can be finished), posts, the inbox
   * and the post id counter; not call counts or rate-limit windows, which start afresh. The apps are the options'.
   */
  snapshot(blobs?: SnapshotBlobs): string {
    return snapshotMaps(this.persisted(), { values: { inbox: this.inbox, postSeq: this.postSeq }, blobs });
  }

  restore(text: string, blobs?: SnapshotBlobs): void {
    const values = restoreMaps(this.persisted(), text, blobs);
    if (Array.isArray(values.inbox)) this.inbox = values.inbox as SandboxState['inbox'];
    if (typeof values.postSeq === 'bigint') this.postSeq = values.postSeq;
  }

  createUser(input: Partial<Omit<SandboxUser, 'openId'>> = {}): SandboxUser {
    const username = input.username ?? `creator${this.users.size + 1}`;
    const user: SandboxUser = {
      openId: randomId('_000', 14),
      username,
      nickname: input.nickname ?? username,
      privacyLevelOptions: input.privacyLevelOptions ?? ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'],
      commentDisabled: input.commentDisabled ?? false,
      duetDisabled: input.duetDisabled ?? false,
      stitchDisabled: input.stitchDisabled ?? false,
      maxVideoPostDurationSec: input.maxVideoPostDurationSec ?? 600,
    };
    this.users.set(user.openId, user);
    return user;
  }

  findUserByUsername(username: string): SandboxUser | undefined {
    return [...this.users.values()].find((u) => u.username === username);
  }

  /** TikTok's post ids are 19-digit numbers growing with time. */
  nextPostId(): string {
    this.postSeq += BigInt(1 + Math.floor(Math.random() * 1000));
    return this.postSeq.toString();
  }

  countCall(operation: string, openId?: string): void {
    this.operationCalls.set(operation, (this.operationCalls.get(operation) ?? 0) + 1);
    if (openId === undefined) return;
    const mine = this.userOperationCalls.get(openId) ?? new Map<string, number>();
    mine.set(operation, (mine.get(operation) ?? 0) + 1);
    this.userOperationCalls.set(openId, mine);
  }

  postsOf(openId: string): Post[] {
    return [...this.posts.values()].filter((p) => p.openId === openId);
  }
}
