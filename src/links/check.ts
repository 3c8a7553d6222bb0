import { CONNECTORS, type LinkPage, type RichPreview } from '../connectors/index.js';
import { MediaFetchError, safeFetch } from '../media/index.js';
import { systemClock, type Clock, type FieldIssue } from '../shared/index.js';
import { readPage } from './page.js';

/** What link preflight found at a destination: reachable or not, where it ends, what previews it would get. */
export interface LinkReport {
  url: string;
  ok: boolean;
  /** The last answer's status (0 when none came: DNS failure, refused address, timeout). */
  status: number;
  redirects: Array<{ url: string; status: number; location: string }>;
  finalUrl: string;
  error: string | null;
  page: LinkPage | null;
  /** Per platform with link rules: the rich preview the page would get and what it lacks. */
  previews: Record<string, RichPreview>;
  /** Advice a person can act on (missing og tags, a redirect to update). */
  warnings: string[];
  checkedAt: number;
}

export interface LinkCheckOptions {
  allowHosts: string[];
  timeoutMs: number;
  /** Pages larger than this are read only this far. */
  maxBytes: number;
  /** A result is reused this long, so validating a bulk of posts fetches each destination once. */
  cacheSeconds: number;
  clock?: Clock;
}

const OG_WANTED = ['title', 'description', 'image'];

/** Link preflight: fetches destinations by the media SSRF rules and remembers each result for a while. */
export class LinkChecker {
  private readonly cache = new Map<string, { report: Promise<LinkReport>; until: number }>();
  private readonly clock: Clock;

  constructor(private readonly options: LinkCheckOptions) {
    this.clock = options.clock ?? systemClock;
  }

  check(url: string, opts: { fresh?: boolean } = {}): Promise<LinkReport> {
    const now = this.clock.now();
    const hit = this.cache.get(url);
    if (hit && hit.until > now && !opts.fresh) return hit.report;
    const report = this.fetchAndRead(url);
    this.cache.set(url, { report, until: now + this.options.cacheSeconds * 1000 });
    if (this.cache.size > 5000) this.cache.delete(this.cache.keys().next().value!);
    return report;
  }

  /** The report of a recent check of this URL, if there is one, without going to the network. */
  known(url: string): Promise<LinkReport> | undefined {
    const hit = this.cache.get(url);
    return hit && hit.until > this.clock.now() ? hit.report : undefined;
  }

  private async fetchAndRead(url: string): Promise<LinkReport> {
    const redirects: LinkReport['redirects'] = [];
    const base = { url, redirects, previews: {}, checkedAt: this.clock.now() };
    try {
      const fetched = await safeFetch(url, {
        allowHosts: this.options.allowHosts,
        timeoutMs: this.options.timeoutMs,
        maxBytes: this.options.maxBytes,
        accept: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.1',
        onRedirect: (hop) => redirects.push(hop),
      });
      const html = /html|xml/i.test(fetched.contentType ?? 'text/html') ? fetched.bytes.toString('utf8') : '';
      const page = readPage(html, fetched.finalUrl);
      const previews = Object.fromEntries(CONNECTORS.filter((c) => c.linkRules).map((c) => [c.facts.id, c.linkRules!.richPreview(page)]));
      const warnings: string[] = [];
      if (redirects.length) warnings.push(`redirects (${redirects.map((r) => r.status).join(', ')}) to ${fetched.finalUrl}; link to the final URL instead`);
      const missingOg = OG_WANTED.filter((k) => !page.og[k]);
      if (missingOg.length)
        warnings.push(`the page has no ${missingOg.map((k) => `og:${k}`).join(', ')} tag${missingOg.length > 1 ? 's' : ''}: previews fall back to guesses`);
      if (page.canonical && page.canonical !== fetched.finalUrl) warnings.push(`the page names ${page.canonical} as its canonical URL`);
      return { ...base, ok: true, status: 200, finalUrl: fetched.finalUrl, error: null, page, previews, warnings };
    } catch (err) {
      if (!(err instanceof MediaFetchError)) throw err;
      const finalUrl = redirects.at(-1)?.location ?? url;
      return { ...base, ok: false, status: err.status ?? 0, finalUrl, error: err.message, page: null, warnings: [`is not reachable: ${err.message}`] };
    }
  }
}

/** A destination's problems as issues on a post's link field: warnings, or errors when the post is strict. */
export function linkIssues(
  field: string,
  report: LinkReport,
  strict: boolean,
  platforms?: readonly string[],
): { errors: FieldIssue[]; warnings: FieldIssue[] } {
  const serious: string[] = [];
  if (!report.ok) serious.push(`${report.url} ${report.warnings[0]}`);
  else if (report.redirects.length) serious.push(`${report.url} ${report.warnings[0]}`);
  const advice = report.ok ? report.warnings.slice(report.redirects.length ? 1 : 0) : [];
  const toIssues = (messages: string[]) => messages.map((message) => ({ field, message }));
  for (const [platform, preview] of Object.entries(report.previews)) {
    if (platforms && !platforms.includes(platform)) continue;
    if (preview.missing.length)
      advice.push(`${platform}: ${preview.type ? `the ${preview.label} lacks` : 'no rich preview; the page needs'} ${preview.missing.join(', ')}`);
  }
  return strict
    ? { errors: toIssues(serious.map((m) => `${m} — refused because the post is strict`)), warnings: toIssues(advice) }
    : { errors: [], warnings: toIssues([...serious, ...advice]) };
}
