import { isAllowedHost, literalRefusal, MediaFetchError, safeFetch, type MediaFetchReason } from '../net/index.js';
import { systemClock, type Clock } from '../shared/index.js';
import { probe } from './probe.js';
import type { MediaFacts } from './stored-media.js';

/** What the bytes behind a URL are (the connectors' MediaInfo shape, `id` being the URL), and why they cannot be read, if so. */
export interface UrlFacts extends MediaFacts {
  unreadable?: string;
}

/** Pinion's verdict on a media URL: problems that stop a post, advice, and what the bytes are when they could be read. */
export interface UrlVerdict {
  errors: string[];
  warnings: string[];
  probe?: UrlFacts;
  /** The fetch failed; `lasting` when asking again soon will not help (a 404), not for a timeout or a 5xx. */
  fetchFailed?: { reason: MediaFetchReason; status?: number; message: string; lasting: boolean };
  /** When the bytes were fetched or confirmed unchanged; undefined when nothing is known yet. */
  checkedAt?: number;
  /** `fetched`: downloaded and decoded; `revalidated`: the server answered 304, the earlier probe stands; `cached`: from memory, no request; `unchecked`: not looked at yet. */
  source: 'fetched' | 'revalidated' | 'cached' | 'unchecked';
}

export interface UrlProbeSettings {
  fetchAllowHosts: string[];
  fetchMaxBytes: number;
  fetchTimeoutMs: number;
  maxInputPixels: number;
}

interface Entry {
  verdict: UrlVerdict;
  etag: string | null;
  lastModified: string | null;
  storedAt: number;
}

/** Answers that say the file is not there for this client, and will not be there by asking again in a minute. */
const lasting = (status: number | undefined) => status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * Media URLs checked the way a platform will fetch them, with the result kept by URL: the full check
 * (fetch and decode) runs off the request path, in the background preflight and in `POST /posts:validate`,
 * and a post naming a URL seen recently is judged at once from the kept probe. A URL checked before is
 * fetched again with If-None-Match / If-Modified-Since, and a 304 keeps the earlier probe without a
 * second download or decode. At most `maxEntries` URLs are kept (least recently used go first); a kept
 * result judges new posts for `ttlMs`, and its validators serve revalidation for as long as it is kept.
 */
export class MediaUrlProbes {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<UrlVerdict>>();
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly settings: UrlProbeSettings,
    options: { clock?: Clock; ttlMs?: number; maxEntries?: number } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.ttlMs = options.ttlMs ?? 600_000;
    this.maxEntries = options.maxEntries ?? 5_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The checks a post's media URL gets when the post is made: no request leaves. The URL's syntax and
   * the private-address rules a literal host can be judged by, then the verdict kept from a recent
   * full check, if any (a URL found bad then is refused now, with that reason).
   */
  quick(url: string): UrlVerdict {
    const refusal = this.refusal(url);
    if (refusal) return { errors: [refusal], warnings: [], source: 'unchecked' };
    const entry = this.entries.get(url);
    if (!entry || this.clock.now() - entry.storedAt > this.ttlMs) return { errors: [], warnings: [], source: 'unchecked' };
    const v = entry.verdict;
    const since = new Date(v.checkedAt ?? entry.storedAt).toISOString();
    if (v.fetchFailed?.lasting)
      return { ...v, errors: [`could not be fetched when Pinion last checked it (${since}): ${v.fetchFailed.message}`], warnings: [], source: 'cached' };
    return { ...v, source: 'cached' };
  }

  /**
   * Fetches (or revalidates) and decodes the URL now; the result is kept for `quick` and later revalidation.
   * Checks of one URL at the same time (posts of a bulk import, the preflight and the publish path) share one request.
   */
  full(url: string): Promise<UrlVerdict> {
    let check = this.inFlight.get(url);
    if (!check) {
      check = this.fetchAndProbe(url).finally(() => this.inFlight.delete(url));
      this.inFlight.set(url, check);
    }
    return check;
  }

  private async fetchAndProbe(url: string): Promise<UrlVerdict> {
    const refusal = this.refusal(url);
    if (refusal) return { errors: [refusal], warnings: [], source: 'unchecked' };
    const s = this.settings;
    const held = this.entries.get(url);
    const now = () => this.clock.now();
    let fetched;
    try {
      const revalidate = held?.verdict.probe && (held.etag || held.lastModified) ? { etag: held.etag, lastModified: held.lastModified } : undefined;
      fetched = await safeFetch(url, { allowHosts: s.fetchAllowHosts, maxBytes: s.fetchMaxBytes, timeoutMs: s.fetchTimeoutMs, revalidate });
    } catch (err) {
      if (!(err instanceof MediaFetchError)) throw err;
      if (err.reason === 'scheme' || err.reason === 'private_address' || err.reason === 'too_large') {
        return this.keep(url, { errors: [`cannot be used: ${err.message}`], warnings: [], checkedAt: now(), source: 'fetched' }, null, null);
      }
      const verdict: UrlVerdict = {
        errors: [],
        warnings: [`could not be checked now (${err.message}); the platform fetches it when the post is published`],
        fetchFailed: { reason: err.reason, status: err.status, message: err.message, lasting: lasting(err.status) },
        checkedAt: now(),
        source: 'fetched',
      };
      // A timeout or a 5xx says nothing lasting about the file: the earlier verdict, if any, stays.
      return verdict.fetchFailed!.lasting ? this.keep(url, verdict, null, null) : verdict;
    }
    if (fetched.notModified && held)
      return this.keep(url, { ...held.verdict, checkedAt: now(), source: 'revalidated' }, fetched.etag ?? held.etag, fetched.lastModified ?? held.lastModified);
    const p = await probe(fetched.bytes, { maxInputPixels: s.maxInputPixels });
    let verdict: UrlVerdict;
    if (p.tooManyPixels) {
      verdict = {
        errors: [
          `is ${p.width}×${p.height} pixels (${Math.round(((p.width ?? 0) * (p.height ?? 0)) / 1e6)} Mpx); images are accepted up to ${s.maxInputPixels} pixels (media.maxInputPixels): scale it down first`,
        ],
        warnings: [],
        checkedAt: now(),
        source: 'fetched',
      };
    } else if (p.kind === 'other') {
      verdict = {
        errors: [`is ${p.mime === 'application/octet-stream' ? 'not a recognised file type' : p.mime}, not an image or a video`],
        warnings: [],
        checkedAt: now(),
        source: 'fetched',
      };
    } else {
      const facts: UrlFacts = {
        id: url,
        kind: p.kind,
        mime: p.mime,
        size: p.size,
        width: p.width ?? null,
        height: p.height ?? null,
        durationMs: p.durationMs ?? null,
        ...(p.unreadable !== undefined && { unreadable: p.unreadable }),
      };
      verdict = { errors: [], warnings: [], probe: facts, checkedAt: now(), source: 'fetched' };
    }
    return this.keep(url, verdict, fetched.etag, fetched.lastModified);
  }

  /** Why the URL cannot be used, from the URL alone (src/net's rules), or undefined. */
  private refusal(url: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'is not a valid URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `cannot be used: only http and https URLs can be fetched, not ${parsed.protocol}`;
    if (parsed.username || parsed.password) return 'cannot be used: URLs with credentials are not fetched';
    if (isAllowedHost(parsed, this.settings.fetchAllowHosts)) return undefined;
    const literal = literalRefusal(parsed);
    return literal && `cannot be used: ${literal}`;
  }

  private keep(url: string, verdict: UrlVerdict, etag: string | null, lastModified: string | null): UrlVerdict {
    this.entries.delete(url);
    this.entries.set(url, { verdict, etag, lastModified, storedAt: this.clock.now() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return verdict;
  }
}
