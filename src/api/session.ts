import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../shared/index.js';
import type { Database } from '../store/index.js';
import { findApiKeyById, markApiKeyUsed, type Caller } from '../workspaces/index.js';

/**
 * Dashboard sessions. The browser holds only a random session id in an HttpOnly, SameSite=Strict
 * cookie; the database keeps that id's SHA-256 and which API key signed in, never the key itself.
 * Kept in the database, a session survives a restart and works on every API process of the same
 * database. Every use looks the key up again, so revoking it ends its sessions at their next use.
 */
export interface Session {
  idHash: string;
  keyId: string;
  /** Sent back by the page in `x-csrf-token` on every request that changes something. */
  csrf: string;
  /** Who the session's calls are made as: its API key's workspace and scopes, as if the browser sent the key itself. */
  caller: Caller;
}

export const SESSION_COOKIE = 'pinion_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface SessionTimes {
  /** A session not used for this long ends (default 12 hours). */
  idleMs: number;
  /** And any session ends this long after sign-in, used or not (default 7 days). */
  lifetimeMs: number;
}
const DEFAULT_TIMES: SessionTimes = { idleMs: 12 * 3600_000, lifetimeMs: 7 * 86_400_000 };
/** last_seen is written at most once a minute, so reading pages is not a write per request. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

// The id carries 256 random bits: a fast hash is enough, and a stolen database row is no cookie.
const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

export class Sessions {
  private readonly times: SessionTimes;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Pick<Clock, 'now'> = systemClock,
    times: Partial<SessionTimes> = {},
  ) {
    this.times = { ...DEFAULT_TIMES, ...times };
  }

  /** Starts a session for an API key; returns the cookie's value (the only copy of the id) and the CSRF token. */
  async create(keyId: string): Promise<{ cookie: string; csrf: string }> {
    const now = this.clock.now();
    await this.db.deleteFrom('web_sessions').where('expires_at', '<=', now).execute();
    const cookie = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    await this.db
      .insertInto('web_sessions')
      .values({ id_hash: hashId(cookie), key_id: keyId, csrf, created_at: now, last_seen_at: now, expires_at: this.expiry(now, now) })
      .execute();
    return { cookie, csrf };
  }

  /** The live session named by the request's cookie, if any; an expired one, or one whose key was revoked, is deleted. */
  async of(request: FastifyRequest): Promise<Session | undefined> {
    const id = cookieOf(request, SESSION_COOKIE);
    if (!id) return undefined;
    const idHash = hashId(id);
    const row = await this.db.selectFrom('web_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!row) return undefined;
    const now = this.clock.now();
    const key = now < Number(row.expires_at) ? await findApiKeyById(this.db, row.key_id) : undefined;
    if (!key || key.revokedAt) {
      await this.delete(idHash);
      return undefined;
    }
    if (now - Number(row.last_seen_at) >= LAST_SEEN_RESOLUTION_MS) {
      await this.db
        .updateTable('web_sessions')
        .set({ last_seen_at: now, expires_at: this.expiry(Number(row.created_at), now) })
        .where('id_hash', '=', idHash)
        .execute();
      // The keys page's "last used" counts the dashboard's calls too.
      await markApiKeyUsed(this.db, key.id);
    }
    return { idHash, keyId: row.key_id, csrf: row.csrf, caller: { workspaceId: key.workspaceId, keyId: key.id, scopes: new Set(key.scopes) } };
  }

  /** Signs the session out: its row is deleted, so its cookie names nothing on any process. */
  async end(session: Pick<Session, 'idHash'>): Promise<void> {
    await this.delete(session.idHash);
  }

  private async delete(idHash: string) {
    await this.db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
  }

  private expiry(createdAt: number, lastSeen: number) {
    return Math.min(createdAt + this.times.lifetimeMs, lastSeen + this.times.idleMs);
  }
}

export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A mangled cookie names no session (and is not a server error).
      return undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, value: string, secure: boolean, maxAgeSeconds?: number): void {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (secure) attrs.push('Secure');
  if (maxAgeSeconds !== undefined) attrs.push(`Max-Age=${maxAgeSeconds}`);
  reply.header('set-cookie', attrs.join('; '));
}

/** True when the request carries the session's CSRF token (header or, for plain forms, a field). */
export function csrfMatches(session: Pick<Session, 'csrf'>, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Requests that only read need no CSRF token. */
export const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
