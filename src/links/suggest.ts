import { fitText, type LinkPage, type SeoRules } from '../connectors/index.js';

/**
 * Search-friendly titles and descriptions from what a page (or the post's text) already says and
 * the keywords a person wants to be found for: the first keyword at the start of the title, the
 * description opened by the page's own summary with the keywords early, product facts after,
 * hashtags last when asked for. Pure and deterministic: the same input gives the same words.
 */
export interface SuggestInput {
  page?: LinkPage;
  content?: string;
  keywords: string[];
  hashtags?: boolean;
}

export interface Suggestions {
  titles: string[];
  descriptions: string[];
  hashtags: string[];
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();
const has = (text: string, k: string) => text.toLowerCase().includes(k.toLowerCase());
const capitalise = (s: string) => s.replace(/(^|\s)(\p{Ll})/gu, (_, sp: string, c: string) => sp + c.toUpperCase());
const count = (s: string) => [...s].length;

/** "Linen Apron | Sunny Shop" → "Linen Apron": the site's name after a separator says nothing to search. */
function withoutSiteName(title: string): string {
  const parts = title.split(/\s+[|–—-]\s+/);
  return parts.length > 1 && count(parts[0]!) >= 12 ? parts[0]! : title;
}

/** Cut at a word boundary so it fits. */
function cutWords(text: string, max: number): string {
  if (count(text) <= max) return text;
  const cut = [...text].slice(0, max + 1).join('');
  const at = cut.lastIndexOf(' ');
  return (at > max / 2 ? cut.slice(0, at) : [...text].slice(0, max).join('')).replace(/[\s,;:|–—-]+$/, '');
}

function product(page?: LinkPage) {
  const item = page?.structured.find((s) => /^Product/.test(s.type));
  if (!item) return undefined;
  const f = item.fields;
  const price = f['offers.price'] ?? f['offers.lowPrice'];
  const currency = f['offers.priceCurrency'] ?? '';
  const availability = (f['offers.availability'] ?? '').replace(/^https?:\/\/schema\.org\//, '');
  return {
    name: f.name,
    description: f.description,
    brand: f['brand.name'] ?? f.brand,
    price: price ? `${price} ${currency}`.trim() : undefined,
    inStock: /InStock/i.test(availability),
  };
}

function firstSentence(text: string): string {
  const m = /^(.{20,}?[.!?])(\s|$)/s.exec(text);
  return squash(m ? m[1]! : text);
}

export function suggest(rules: SeoRules, input: SuggestInput): Suggestions {
  const page = input.page;
  const p = product(page);
  const keywords = input.keywords.map(squash).filter(Boolean);
  const main = keywords[0];
  const subjects = [p?.name, page?.og.title, page?.title && withoutSiteName(page.title), page?.headings[0], input.content && firstSentence(input.content)]
    .filter((s): s is string => !!s)
    .map(squash);
  const subject = subjects[0] ?? (main ? capitalise(main) : '');

  // Titles: the keyword within the first words, never twice.
  const titles = new Set<string>();
  const lead = (s: string) => (!main || (has(s, main) && s.toLowerCase().indexOf(main.toLowerCase()) < 30) ? s : `${capitalise(main)}: ${s}`);
  titles.add(cutWords(lead(subject), rules.titleMax));
  if (main && keywords[1])
    titles.add(cutWords(`${capitalise(main)} – ${subject}${has(subject, keywords[1]) ? '' : ` | ${capitalise(keywords[1])}`}`, rules.titleMax));
  if (p?.brand && main) titles.add(cutWords(`${capitalise(main)} by ${p.brand} – ${subject}`, rules.titleMax));
  for (const s of subjects.slice(1)) if (titles.size < 3 && s !== subject) titles.add(cutWords(lead(s), rules.titleMax));

  // Description: the page's own summary, the keywords early, then facts, then hashtags.
  const summary = squash(p?.description ?? page?.og.description ?? page?.description ?? input.content ?? '');
  const missing = keywords.filter((k) => !has(summary, k));
  const sentenceCase = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  const opener = missing.length && main ? `${sentenceCase(missing.slice(0, 3).join(', '))}: ` : '';
  const facts = [p?.price && `Price: ${p.price}.`, p?.inStock && 'In stock.'].filter(Boolean).join(' ');
  const hashtags = keywords.slice(0, 5).map((k) => `#${k.replace(/[^\p{L}\p{N}]+/gu, '')}`);
  const compose = (body: string) => {
    const text = squash([`${opener}${body}`, facts, input.hashtags ? hashtags.join(' ') : ''].filter(Boolean).join(' '));
    return fitText({ text, max: rules.descriptionShown, count }).text;
  };
  const descriptions = new Set<string>();
  descriptions.add(compose(summary || subject));
  if (page?.title && summary !== squash(page.title)) descriptions.add(compose(`${subject}. ${summary}`.replace(/\.\.\s/, '. ')));
  return { titles: [...titles].filter(Boolean), descriptions: [...descriptions].filter(Boolean), hashtags };
}
