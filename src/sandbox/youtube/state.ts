import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.js';
import { restoreMaps, snapshotMaps, type SnapshotBlobs } from '../common/index.js';

export interface GoogleApp {
  clientId: string;
  clientSecret: string;
  /** A project Google has not audited locks every upload to private (notes, "Unverified API projects"). */
  unverified?: boolean;
}

export interface Channel {
  id: string;
  /** The uploads playlist: `UU` and the rest of the channel id. */
  uploads: string;
  title: string;
  handle: string;
  createdAt: number;
}

export interface IssuedToken {
  kind: 'access' | 'refresh';
  channelId: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  /** The grant (refresh token) an access token came from; revoking the grant kills both. */
  grant: string;
}

export interface AuthCode {
  channelId: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
  offline: boolean;
  challenge?: { value: string; method: 'S256' | 'plain' };
  expiresAt: number;
}

export interface UploadSession {
  id: string;
  channelId: string;
  clientId: string;
  metadata: VideoMetadata;
  part: string[];
  total: number | null;
  mime: string;
  chunks: Buffer[];
  received: number;
  createdAt: number;
  videoId?: string;
}

export interface VideoMetadata {
  snippet: { title: string; description: string; tags?: string[]; categoryId: string; defaultLanguage?: string };
  status: {
    privacyStatus: string;
    selfDeclaredMadeForKids?: boolean;
    publishAt?: string;
    embeddable?: boolean;
    license?: string;
    publicStatsViewable?: boolean;
    containsSyntheticMedia?: boolean;
  };
}

export type ProcessingOutcome = { outcome: 'processed' } | { outcome: 'failed'; failureReason: string } | { outcome: 'rejected'; rejectionReason: string };

export interface Video extends VideoMetadata {
  id: string;
  channelId: string;
  clientId: string;
  size: number;
  mime: string;
  sha256: string;
  uploadedAt: number;
  /** Decided when the upload completes, shown once processing time has passed. */
  result: ProcessingOutcome;
  thumbnail?: { mime: string; size: number };
  deleted?: boolean;
}

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const randomId = (length: number) => [...randomBytes(length)].map((b) => ID_CHARS[b % 64]).join('');

/** Everything the emulator holds, in memory. */
export class YouTubeState {
  readonly apps = new Map<string, GoogleApp>();
  readonly channels = new Map<string, Channel>();
  readonly codes = new Map<string, AuthCode>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly sessions = new Map<string, UploadSession>();
  readonly videos = new Map<string, Video>();
  /** Units used per `clientId|Pacific day`. */
  readonly quotaUsed = new Map<string, number>();
  readonly calls = new Map<string, number>();
  /** Outcomes queued for the next completed uploads (inspection or `queueProcessing`), before the default. */
  readonly nextOutcomes: ProcessingOutcome[] = [];

  constructor(
    private readonly initialApps: GoogleApp[],
    readonly clock: Clock,
  ) {
    this.reset();
  }

  reset(): void {
    for (const m of [this.apps, this.channels, this.codes, this.tokens, this.sessions, this.videos, this.quotaUsed, this.calls]) m.clear();
    this.nextOutcomes.length = 0;
    for (const app of this.initialApps) this.apps.set(app.clientId, app);
  }

  private persisted(): Record<string, Map<unknown, unknown>> {
    const { channels, codes, tokens, sessions, videos, quotaUsed } = this;
    return { channels, codes, tokens, sessions, videos, quotaUsed } as unknown as Record<string, Map<unknown, unknown>>;
  }

  /**
   * Channels, tokens, upload sessions (their chunks so far to `blobs`, so an upload can be resumed), videos and
   * the units used today (Pinion counts them too); not call counts. The apps are the options'.
   */
  snapshot(blobs?: SnapshotBlobs): string {
    return snapshotMaps(this.persisted(), { blobs });
  }

  restore(text: string, blobs?: SnapshotBlobs): void {
    restoreMaps(this.persisted(), text, blobs);
  }

  channelByHandle(handle: string): Channel | undefined {
    return [...this.channels.values()].find((c) => c.handle === handle);
  }

  createChannel(input: { handle: string; title?: string }): Channel {
    const rest = randomId(22);
    const channel: Channel = {
      id: `UC${rest}`,
      uploads: `UU${rest}`,
      handle: input.handle.replace(/^@?/, '@'),
      title: input.title ?? input.handle.replace(/^@/, ''),
      createdAt: this.clock.now(),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  newToken(prefix: string): string {
    return `${prefix}${randomBytes(24).toString('base64url')}`;
  }

  newVideoId(): string {
    return randomId(11);
  }

  newSessionId(): string {
    return `ADPycd${randomBytes(30).toString('base64url')}`;
  }

  countCall(operation: string): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
  }

  videosOf(channelId: string): Video[] {
    return [...this.videos.values()].filter((v) => v.channelId === channelId && !v.deleted);
  }

  static sha256(bytes: Buffer): string {
    return createHash('sha256').update(bytes).digest('hex');
  }
}
