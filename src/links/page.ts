import * as cheerio from 'cheerio';
import type { LinkPage } from '../connectors/index.js';

type Json = unknown;

/** Flattens a schema.org object into dotted fields (`offers.price`, `author.name`); arrays take their first entry. */
function flatten(value: Json, prefix = '', out: Record<string, string> = {}, depth = 0): Record<string, string> {
  if (depth > 4 || value === null || value === undefined) return out;
  if (Array.isArray(value)) return value.length ? flatten(value[0], prefix, out, depth) : out;
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, Json>)) {
      if (k.startsWith('@') && k !== '@type') continue;
      flatten(v, prefix ? `${prefix}.${k}` : k, out, depth + 1);
    }
    return out;
  }
  if (prefix) out[prefix] ??= String(value);
  return out;
}

const typeName = (t: Json): string => {
  const first = Array.isArray(t) ? t[0] : t;
  return typeof first === 'string' ? first.replace(/^https?:\/\/schema\.org\//, '') : '';
};

/** Every typed object in a JSON-LD document: top level, in `@graph`, or a list. */
function jsonLdItems(doc: Json): Array<Record<string, Json>> {
  if (Array.isArray(doc)) return doc.flatMap(jsonLdItems);
  if (!doc || typeof doc !== 'object') return [];
  const o = doc as Record<string, Json>;
  const graph = Array.isArray(o['@graph']) ? (o['@graph'] as Json[]).flatMap(jsonLdItems) : [];
  return o['@type'] ? [o, ...graph] : graph;
}

/** Reads what rich previews are made of from a page's HTML: meta tags, canonical, JSON-LD and microdata. */
export function readPage(html: string, finalUrl: string): LinkPage {
  const $ = cheerio.load(html);
  const meta = (prefix: string) => {
    const out: Record<string, string> = {};
    $('meta').each((_, el) => {
      const key = ($(el).attr('property') ?? $(el).attr('name') ?? '').trim().toLowerCase();
      const content = $(el).attr('content');
      if (key.startsWith(prefix) && content !== undefined) out[key.slice(prefix.length)] ??= content.trim();
    });
    return out;
  };
  const structured: LinkPage['structured'] = [];
  $('script[type="application/ld+json"]').each((_, el) => {
    try {
      for (const item of jsonLdItems(JSON.parse($(el).text()) as Json)) {
        const { '@type': t, ...rest } = item;
        structured.push({ type: typeName(t), source: 'json-ld', fields: flatten(rest) });
      }
    } catch {
      // A broken JSON-LD block is the page's problem: reported as missing data, not as a failure here.
    }
  });
  $('[itemscope][itemtype]').each((_, el) => {
    if ($(el).parents('[itemscope]').length) return;
    const fields: Record<string, string> = {};
    $(el)
      .find('[itemprop]')
      .each((_, prop) => {
        const scope = $(prop).parents('[itemscope]').first();
        const names: string[] = [];
        for (let p = scope; p.length && !p.is(el); p = p.parents('[itemscope]').first()) names.unshift($(p).attr('itemprop') ?? '');
        const name = [...names, $(prop).attr('itemprop')!].filter(Boolean).join('.');
        if ($(prop).is('[itemscope]')) return;
        const value = $(prop).attr('content') ?? $(prop).attr('href') ?? $(prop).attr('src') ?? $(prop).text().trim();
        fields[name] ??= value;
      });
    structured.push({ type: typeName($(el).attr('itemtype')), source: 'microdata', fields });
  });
  const description = $('meta[name="description"]').attr('content')?.trim() ?? null;
  const canonical = $('link[rel="canonical"]').attr('href');
  return {
    finalUrl,
    title: $('title').first().text().trim() || null,
    description,
    canonical: canonical ? new URL(canonical, finalUrl).toString() : null,
    og: meta('og:'),
    card: meta('twitter:'),
    structured,
    headings: $('h1, h2')
      .map((_, el) => $(el).text().replace(/\s+/g, ' ').trim())
      .get()
      .filter(Boolean)
      .slice(0, 10),
  };
}
