import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Dashboard sessions. The browser holds only a random session id in an HttpOnly, SameSite=Strict
 * cookie; the API key it signed in with stays here, in this process's memory, so no script in the
 * page can read it. A restart signs everyone out, which is the safe side for a self-hosted server.
 */
export interface Session {
  id: string;
  /** The API key every call of this session is made with, as if the browser sent it itself. */
  apiKey: string;
  /** Sent back by the page in `x-csrf-token` on every request that changes something. */
  csrf: string;
  lastSeen: number;
}

export const SESSION_COOKIE = 'pinion_session';
export const CSRF_HEADER = 'x-csrf-token';
const IDLE_MS = 12 * 3600_000;

export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(apiKey: string): Session {
    this.sweep();
    const session = { id: randomBytes(32).toString('base64url'), apiKey, csrf: randomBytes(24).toString('base64url'), lastSeen: this.now() };
    this.byId.set(session.id, session);
    return session;
  }

  /** The live session named by the request's cookie, if any. */
  of(request: FastifyRequest): Session | undefined {
    const id = cookieOf(request, SESSION_COOKIE);
    const session = id ? this.byId.get(id) : undefined;
    if (!session) return undefined;
    if (this.now() - session.lastSeen > IDLE_MS) {
      this.byId.delete(session.id);
      return undefined;
    }
    session.lastSeen = this.now();
    return session;
  }

  end(session: Session): void {
    this.byId.delete(session.id);
  }

  private sweep() {
    for (const s of this.byId.values()) if (this.now() - s.lastSeen > IDLE_MS) this.byId.delete(s.id);
  }
}

export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
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
export function csrfMatches(session: Session, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Requests that only read need no CSRF token. */
export const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
