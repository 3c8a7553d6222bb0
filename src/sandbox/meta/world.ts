import { randomBytes } from 'node:crypto';
import { restoreMaps, snapshotMaps } from '../common/index.js';

/**
 * Everything the emulated Graph API knows, shared by the three mounts of one world: a person
 * with Pages (Facebook), each Page with at most one linked Instagram professional account, and
 * Instagram and Threads users of their own logins. Worlds live in a module-level registry keyed by
 * the `world` option, so `/sandbox/facebook`, `/sandbox/instagram` and `/sandbox/threads` created
 * with the same key see the same people, Pages, tokens and posts.
 */
export type TokenKind = 'fb_short' | 'fb_user' | 'page' | 'ig_short' | 'ig_long' | 'th_short' | 'th_long';

export interface Token {
  value: string;
  kind: TokenKind;
  /** Whose it is: a person id (fb_*), a Page id (page), an Instagram or Threads user id. */
  subject: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number | null;
  revoked: boolean;
}

export interface Person {
  id: string;
  name: string;
  pageIds: string[];
}
export interface Page {
  id: string;
  name: string;
  igUserId: string | null;
}
export interface IgUser {
  id: string;
  username: string;
  accountType: 'BUSINESS' | 'MEDIA_CREATOR';
  /** The Page it is linked to (Facebook Login), or null (Instagram Login only). */
  pageId: string | null;
}
export interface ThreadsUser {
  id: string;
  username: string;
}

export type ContainerState = 'IN_PROGRESS' | 'FINISHED' | 'PUBLISHED' | 'ERROR' | 'EXPIRED';
export interface Container {
  id: string;
  owner: string;
  platform: 'instagram' | 'threads';
  params: Record<string, string>;
  createdAt: number;
  /** When processing ends, and how. */
  readyAt: number;
  outcome: 'FINISHED' | 'ERROR';
  /** What the container's status says once it failed (Instagram's `status` text, Threads' `error_message` name). */
  error: string | null;
  /** Why it failed, in words, for the answer to a publish of it. */
  reason: string | null;
  publishedAs: string | null;
  /** Resumable upload: bytes not yet received. */
  awaitingUpload: boolean;
}

/** A published thing: Instagram media, Page post/photo/video, Threads post. */
export interface Published {
  id: string;
  owner: string;
  platform: 'instagram' | 'facebook' | 'threads';
  type: string;
  text: string;
  createdAt: number;
  link: string | null;
  children: string[];
  replyTo: string | null;
  containerId: string | null;
  permalink: string;
}
export interface Comment {
  id: string;
  mediaId: string;
  message: string;
  createdAt: number;
}

let counter = 17_841_400_000_000_000n;
export const newId = () => String(++counter);
export const secret = (prefix: string) => `${prefix}${randomBytes(18).toString('base64url')}`;

export class World {
  people = new Map<string, Person>();
  pages = new Map<string, Page>();
  igUsers = new Map<string, IgUser>();
  threadsUsers = new Map<string, ThreadsUser>();
  tokens = new Map<string, Token>();
  codes = new Map<string, { subject: string; kind: 'fb' | 'ig' | 'th'; clientId: string; redirectUri: string; expiresAt: number; used: boolean }>();
  containers = new Map<string, Container>();
  published = new Map<string, Published>();
  comments: Comment[] = [];
  /** Every request, for inspection: `METHOD /path` and when. */
  calls: Array<{ operation: string; at: number; mount: string }> = [];

  reset(): void {
    for (const m of [this.people, this.pages, this.igUsers, this.threadsUsers, this.tokens, this.codes, this.containers, this.published]) m.clear();
    this.comments = [];
    this.calls = [];
  }

  private persisted(): Record<string, Map<unknown, unknown>> {
    const { people, pages, igUsers, threadsUsers, tokens, codes, containers, published } = this;
    return { people, pages, igUsers, threadsUsers, tokens, codes, containers, published } as unknown as Record<string, Map<unknown, unknown>>;
  }

  /** People, Pages, Instagram and Threads users, tokens, containers, posts and comments; not the calls (usage starts afresh). */
  snapshot(): string {
    return snapshotMaps(this.persisted(), { values: { comments: this.comments } });
  }

  restore(text: string): void {
    const values = restoreMaps(this.persisted(), text);
    if (Array.isArray(values.comments)) this.comments = values.comments as Comment[];
    // Ids come from one counter: past every id the saved world holds, so none is handed out twice.
    for (const id of [
      ...this.people.keys(),
      ...this.pages.keys(),
      ...this.igUsers.keys(),
      ...this.threadsUsers.keys(),
      ...this.containers.keys(),
      ...this.published.keys(),
      ...this.comments.map((c) => c.id),
    ]) {
      for (const part of id.split('_')) if (/^\d+$/.test(part) && BigInt(part) > counter) counter = BigInt(part);
    }
  }

  /** A person with Pages; `instagram` on a Page links an Instagram professional account to it. */
  addPerson(input: { name: string; pages?: Array<{ name: string; instagram?: string; accountType?: IgUser['accountType'] }> }): Person {
    const existing = [...this.people.values()].find((p) => p.name === input.name);
    if (existing) return existing;
    const person: Person = { id: newId(), name: input.name, pageIds: [] };
    for (const p of input.pages ?? [{ name: `${input.name} Page` }]) {
      const page: Page = { id: newId(), name: p.name, igUserId: null };
      if (p.instagram) page.igUserId = this.addIgUser(p.instagram, p.accountType ?? 'BUSINESS', page.id).id;
      this.pages.set(page.id, page);
      person.pageIds.push(page.id);
    }
    this.people.set(person.id, person);
    return person;
  }

  addIgUser(username: string, accountType: IgUser['accountType'] = 'BUSINESS', pageId: string | null = null): IgUser {
    const existing = [...this.igUsers.values()].find((u) => u.username === username);
    if (existing) return existing;
    const user: IgUser = { id: newId(), username, accountType, pageId };
    this.igUsers.set(user.id, user);
    return user;
  }

  addThreadsUser(username: string): ThreadsUser {
    const existing = [...this.threadsUsers.values()].find((u) => u.username === username);
    if (existing) return existing;
    const user: ThreadsUser = { id: newId(), username };
    this.threadsUsers.set(user.id, user);
    return user;
  }

  issue(kind: TokenKind, subject: string, clientId: string, now: number, ttlSeconds: number | null): Token {
    const t: Token = {
      value: secret(kind.startsWith('ig') ? 'IGAA' : kind.startsWith('th') ? 'THAA' : 'EAA'),
      kind,
      subject,
      clientId,
      issuedAt: now,
      expiresAt: ttlSeconds === null ? null : now + ttlSeconds * 1000,
      revoked: false,
    };
    this.tokens.set(t.value, t);
    return t;
  }

  /** Invalidates every token of a subject (a password change, a removed app): the grant is dead. */
  revokeSubject(subject: string): void {
    for (const t of this.tokens.values()) if (t.subject === subject) t.revoked = true;
  }

  listBy(owner: string, platform: Published['platform']): Published[] {
    return [...this.published.values()].filter((p) => p.owner === owner && p.platform === platform);
  }
}

const worlds = new Map<string, World>();

/** The world of a key, made on first use. */
export function worldFor(key: string): World {
  let w = worlds.get(key);
  if (!w) worlds.set(key, (w = new World()));
  return w;
}
