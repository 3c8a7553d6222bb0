import { randomBytes } from 'node:crypto';
import { restoreMaps, snapshotMaps, type SnapshotBlobs } from '../common/index.js';

export const randomToken = (prefix: string, bytes = 24) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export interface SandboxApp {
  clientId: string;
  clientSecret: string;
  /** Undefined: any redirect_uri is accepted. */
  redirectUris?: string[];
  /** Approved for programmatic refresh tokens (LinkedIn grants them to some partners only). */
  refreshTokens?: boolean;
}

export interface Member {
  /** The OIDC `sub`; the author URN is `urn:li:person:{id}`. */
  id: string;
  name: string;
  email: string;
}
export interface Organization {
  id: number;
  name: string;
  vanityName: string;
}
export type OrgRole = 'ADMINISTRATOR' | 'CONTENT_ADMINISTRATOR' | 'ANALYST' | 'DIRECT_SPONSORED_CONTENT_POSTER';
export interface OrgAcl {
  organizationId: number;
  memberId: string;
  role: OrgRole;
  state: 'APPROVED' | 'REQUESTED' | 'REVOKED';
}

export interface AuthorizationCode {
  clientId: string;
  memberId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
}
export interface IssuedToken {
  token: string;
  kind: 'access' | 'refresh';
  clientId: string;
  memberId: string;
  scopes: string[];
  expiresAt: number;
}

export type MediaState = 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';
export interface SandboxImage {
  urn: string;
  owner: string;
  status: MediaState;
  bytes?: Buffer;
  /** When PROCESSING turns AVAILABLE. */
  readyAt?: number;
}
export interface VideoPart {
  uploadUrl: string;
  firstByte: number;
  lastByte: number;
  etag?: string;
  bytes?: Buffer;
}
export interface SandboxVideo {
  urn: string;
  owner: string;
  fileSizeBytes: number;
  uploadToken: string;
  status: MediaState;
  parts: VideoPart[];
  readyAt?: number;
  failureReason?: string;
  createdAt: number;
}
export interface SandboxPost {
  urn: string;
  author: string;
  /** The commentary as sent (little text). */
  commentary: string;
  /** What LinkedIn shows: the little text rendered, cut at an unescaped reserved character. */
  shownText: string;
  visibility: string;
  content?: Record<string, unknown>;
  lifecycleState: string;
  isReshareDisabledByAuthor: boolean;
  createdAt: number;
  /** The member whose token made it. */
  createdBy: string;
}

/** Everything the emulator holds, in memory; `reset` clears it. */
export class SandboxState {
  readonly apps: Map<string, SandboxApp>;
  members = new Map<string, Member>();
  organizations = new Map<number, Organization>();
  acls: OrgAcl[] = [];
  codes = new Map<string, AuthorizationCode>();
  tokens = new Map<string, IssuedToken>();
  posts = new Map<string, SandboxPost>();
  images = new Map<string, SandboxImage>();
  videos = new Map<string, SandboxVideo>();
  /** Calls per operation, and per member per operation. */
  operationCalls = new Map<string, number>();
  memberCalls = new Map<string, Map<string, number>>();
  /** Daily counters for the throttles: `${scope}:${day}:${operation}` → calls. */
  daily = new Map<string, number>();
  /** Why the next videos fail processing (one reason used per video), when a test asks for it. */
  videoFailures: string[] = [];
  private seq = 0;

  constructor(apps: SandboxApp[]) {
    this.apps = new Map(apps.map((a) => [a.clientId, a]));
  }

  nextId(): number {
    this.seq += 1;
    return 7_000_000_000_000_000_000 + this.seq;
  }

  createMember(input: { name?: string; email?: string } = {}): Member {
    const id = randomToken('', 6).replace(/[-_]/g, 'x');
    const name = input.name ?? `Member ${this.members.size + 1}`;
    const member = { id, name, email: input.email ?? `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com` };
    this.members.set(id, member);
    return member;
  }

  findMemberByName(name: string): Member | undefined {
    return [...this.members.values()].find((m) => m.name === name);
  }

  createOrganization(input: {
    name: string;
    vanityName?: string;
    admins?: Array<{ memberId: string; role?: OrgRole; state?: OrgAcl['state'] }>;
  }): Organization {
    const org = {
      id: 10_000_000 + this.organizations.size + 1,
      name: input.name,
      vanityName: input.vanityName ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    };
    this.organizations.set(org.id, org);
    for (const a of input.admins ?? [])
      this.acls.push({ organizationId: org.id, memberId: a.memberId, role: a.role ?? 'ADMINISTRATOR', state: a.state ?? 'APPROVED' });
    return org;
  }

  countCall(operation: string, memberId?: string): void {
    this.operationCalls.set(operation, (this.operationCalls.get(operation) ?? 0) + 1);
    if (memberId) {
      const calls = this.memberCalls.get(memberId) ?? new Map<string, number>();
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      this.memberCalls.set(memberId, calls);
    }
  }

  /** Moves media whose processing time has passed on: PROCESSING turns AVAILABLE (or PROCESSING_FAILED). */
  settle(now = Date.now()): void {
    for (const image of this.images.values()) if (image.status === 'PROCESSING' && (image.readyAt ?? 0) <= now) image.status = 'AVAILABLE';
    for (const video of this.videos.values()) {
      if (video.status === 'PROCESSING' && (video.readyAt ?? 0) <= now) video.status = video.failureReason ? 'PROCESSING_FAILED' : 'AVAILABLE';
    }
  }

  private persisted(): Record<string, Map<unknown, unknown>> {
    const { members, organizations, codes, tokens, posts, images, videos, daily } = this;
    return { members, organizations, codes, tokens, posts, images, videos, daily } as unknown as Record<string, Map<unknown, unknown>>;
  }

  /**
   * Members, organizations and roles, tokens, posts and media (bytes to `blobs`), the daily throttles and the
   * id counter; not call counts. The apps are the options'.
   */
  snapshot(blobs?: SnapshotBlobs): string {
    return snapshotMaps(this.persisted(), { values: { acls: this.acls, seq: this.seq }, blobs });
  }

  restore(text: string, blobs?: SnapshotBlobs): void {
    const values = restoreMaps(this.persisted(), text, blobs);
    if (Array.isArray(values.acls)) this.acls = values.acls as OrgAcl[];
    if (typeof values.seq === 'number') this.seq = values.seq;
  }

  reset(): void {
    for (const map of [
      this.members,
      this.organizations,
      this.codes,
      this.tokens,
      this.posts,
      this.images,
      this.videos,
      this.operationCalls,
      this.memberCalls,
      this.daily,
    ])
      map.clear();
    this.acls = [];
    this.videoFailures = [];
    this.seq = 0;
  }
}
