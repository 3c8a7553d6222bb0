import type { FastifyInstance } from 'fastify';
import { fromProblem, PeError, type NativeProblem } from './errors.js';

/**
 * Pinion's own API, called in-process with the caller's key: the compatibility API only translates,
 * so every request is checked, authorised, rate-limited and carried out by the native routes.
 */
export class Native {
  constructor(
    private readonly app: FastifyInstance,
    private readonly headers: Record<string, string>,
  ) {}

  /** The native answer's body; a problem becomes PostEverywhere's error (PeError). */
  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T> {
    const res = await this.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { ...this.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    if (res.statusCode >= 400) {
      let problem: NativeProblem;
      try {
        problem = res.json<NativeProblem>();
      } catch {
        problem = { detail: res.body };
      }
      const retryAfter = res.headers['retry-after'];
      throw fromProblem(res.statusCode, problem, retryAfter === undefined ? undefined : String(retryAfter));
    }
    return (res.statusCode === 204 || !res.body ? undefined : res.json()) as T;
  }

  get = <T>(url: string) => this.call<T>('GET', url);
  post = <T>(url: string, body?: unknown) => this.call<T>('POST', url, body);
  patch = <T>(url: string, body?: unknown) => this.call<T>('PATCH', url, body);
  delete = <T>(url: string) => this.call<T>('DELETE', url);

  /**
   * Every item of a cursor-paginated native list (`{ data, next_cursor }`), following the cursors, for
   * PostEverywhere's offset paging and totals. Past `max` items that is refused rather than answered wrong.
   */
  async all<T>(url: string, max = 10_000): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const page: { data: T[]; next_cursor: string | null } = await this.get(`${url}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      out.push(...page.data);
      cursor = page.next_cursor;
      if (cursor && out.length >= max) {
        throw new PeError(
          400,
          'too_many_results',
          `More than ${max} items match: narrow the list with filters (offset paging reads them all); Pinion's own API pages any number with cursors`,
        );
      }
    } while (cursor);
    return out;
  }
}
