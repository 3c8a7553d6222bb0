import { X_LIMITS, weightedLength } from './platform.js';

/**
 * How Pinion makes a text fit X, deterministically (the same input always gives the same posts).
 *
 * Fitting (one post):
 * 1. The link, when the text does not already hold it, goes at the end after a space (X has no
 *    link field; it counts 23 whatever its length).
 * 2. If that fits 280 weighted characters, nothing else changes.
 * 3. Otherwise the text is cut: the link stays whole at the end, the run of hashtags that ends
 *    the text stays before it (hashtags are dropped from the last one while the text before
 *    them would keep fewer than MIN_BODY characters), and the text before them is cut at the
 *    last sentence end that fits, followed by " …"; or, when that would keep less than half of
 *    what a word cut keeps, at the last word end that fits, followed by "…"; a single word too
 *    long for the room is cut between characters (graphemes, never inside an emoji).
 *    A link written in the text that the cut would lose is moved to the end instead.
 *
 * Threads (`thread: true`, text too long for one post): the text is split into parts at the same
 * boundaries, each part ending with " k/n"; the link goes at the end of the first part (before its
 * number) unless the text already holds it. Hashtags stay where they were written.
 */

/** Hashtags are kept while the cut text before them keeps at least this many weighted characters. */
const MIN_BODY = 100;
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const join = (...pieces: string[]) =>
  pieces
    .map((p) => p.trim())
    .filter(Boolean)
    .join(' ');

type CutKind = 'sentence' | 'word';

/** End offsets where `text` may be cut, by kind, ascending. */
function boundaries(text: string): Record<CutKind | 'grapheme', number[]> {
  const sentence = new Set<number>();
  for (const m of text.matchAll(/[.!?…]+["'”’)\]]*(?=\s)/gu)) sentence.add(m.index + m[0].length);
  for (const m of text.matchAll(/\n/gu)) if (m.index > 0) sentence.add(m.index);
  const word = [...text.matchAll(/\S(?=\s)/gu)].map((m) => m.index + m[0].length);
  const grapheme = [...segmenter.segment(text)].map((s) => s.index + s.segment.length);
  const asc = (a: number, b: number) => a - b;
  return { sentence: [...sentence].sort(asc), word, grapheme };
}

/** The largest position that passes `ok`, assuming passing prefixes are a run from the start (weighted length only grows). */
function longest(positions: number[], ok: (end: number) => boolean): number | undefined {
  let lo = 0;
  let hi = positions.length - 1;
  let best: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ok(positions[mid]!)) {
      best = positions[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Where to cut `text` so `fits(prefix, kind)` holds, by the rule above; undefined when nothing fits. */
function bestCut(full: string, fits: (prefix: string, kind: CutKind) => boolean): { end: number; kind: CutKind } | undefined {
  // Only a prefix within the limit can fit: look no further than the first one past it, so a
  // 10,000-character text costs no more than a short one.
  let reach = 512;
  while (reach < full.length && weightedLength(full.slice(0, reach)) <= X_LIMITS.textMax) reach *= 2;
  const text = full.slice(0, reach);
  const b = boundaries(text);
  const prefixFits = (kind: CutKind) => (end: number) => text.slice(0, end).trim() !== '' && fits(text.slice(0, end), kind);
  const word = longest(b.word, prefixFits('word'));
  const sentence = longest(b.sentence, prefixFits('sentence'));
  if (sentence !== undefined && (word === undefined || 2 * weightedLength(text.slice(0, sentence)) >= weightedLength(text.slice(0, word))))
    return { end: sentence, kind: 'sentence' };
  if (word !== undefined) return { end: word, kind: 'word' };
  const char = longest(b.grapheme, prefixFits('word'));
  return char === undefined ? undefined : { end: char, kind: 'word' };
}

/** The cut prefix as it will read: "Whole sentence. …" or "cut mid-senten…". */
const ellipsis = (prefix: string, kind: CutKind) => (kind === 'sentence' ? `${prefix.trim()} …` : `${prefix.trim().replace(/[\s,;:–—-]+$/u, '')}…`);

/** Splits off the hashtags that end a text: "Sale today #shoes #red" → body "Sale today", tags ["#shoes", "#red"]. */
export function trailingHashtags(text: string): { body: string; tags: string[] } {
  const m = /(?:^|\s+)#[^\s#]+(?:\s+#[^\s#]+)*\s*$/u.exec(text);
  if (!m) return { body: text, tags: [] };
  return { body: text.slice(0, m.index), tags: m[0].trim().split(/\s+/u) };
}

export interface Fitted {
  text: string;
  /** Where the text was cut, if it was. */
  cut?: CutKind;
  droppedTags: string[];
  /** The link was added to (or moved to the end of) the text. */
  linkPlaced: boolean;
}

/** One post's text within `max` by the fitting rule; undefined only when not even the link fits. */
export function fitText(content: string, link: string | undefined, max: number = X_LIMITS.textMax): Fitted | undefined {
  const linkInText = link !== undefined && content.includes(link);
  const full = linkInText || link === undefined ? content.trim() : join(content, link);
  if (weightedLength(full) <= max) return { text: full, droppedTags: [], linkPlaced: link !== undefined && !linkInText };

  const attempt = (source: string, suffixLink: string | undefined): Fitted | undefined => {
    const { body, tags } = trailingHashtags(source);
    for (let keep = tags.length; keep >= 0; keep--) {
      const suffix = join(...tags.slice(0, keep), suffixLink ?? '');
      const cut = bestCut(body, (prefix, kind) => weightedLength(join(ellipsis(prefix, kind), suffix)) <= max);
      const kept = cut && weightedLength(body.slice(0, cut.end));
      if (cut && (keep === 0 || kept! >= Math.min(MIN_BODY, weightedLength(body)))) {
        return {
          text: join(ellipsis(body.slice(0, cut.end), cut.kind), suffix),
          cut: cut.kind,
          droppedTags: tags.slice(keep),
          linkPlaced: suffixLink !== undefined,
        };
      }
      // Not even "…" before the suffix fits: the body goes, keeping what fits of the suffix.
      if (!body.trim() && weightedLength(suffix) <= max) return { text: suffix, droppedTags: tags.slice(keep), linkPlaced: suffixLink !== undefined };
    }
    return undefined;
  };

  if (linkInText) {
    const kept = attempt(content, undefined);
    if (kept?.text.includes(link)) return kept;
    // The cut would lose the link written in the text: take it out and keep it at the end.
    return attempt(content.replace(link, ' ').replace(/[ \t]{2,}/gu, ' '), link);
  }
  return attempt(content, link);
}

/**
 * The parts of a thread, each within `max` with its " k/n"; one part (no number) when it all fits.
 * Undefined when a part cannot be made to fit (the link alone over the limit).
 */
export function splitThread(content: string, link: string | undefined, max: number = X_LIMITS.textMax): { parts: string[]; linkPlaced: boolean } | undefined {
  const linkInText = link !== undefined && content.includes(link);
  const extra = link !== undefined && !linkInText ? link : '';
  const whole = join(content, extra);
  if (weightedLength(whole) <= max) return { parts: [whole], linkPlaced: extra !== '' };

  // The numbers' width changes the room; start narrow and widen while the count needs more digits.
  for (let digits = 1; digits <= 3; digits++) {
    const widest = ` ${'9'.repeat(digits)}/${'9'.repeat(digits)}`;
    const decorate = (text: string, index: number, number: string) => join(text, index === 0 ? extra : '') + number;
    const chunks: string[] = [];
    let rest = content.trim();
    while (rest) {
      const index = chunks.length;
      if (weightedLength(decorate(rest, index, widest)) <= max) {
        chunks.push(rest);
        break;
      }
      const cut = bestCut(rest, (prefix) => weightedLength(decorate(prefix, index, widest)) <= max);
      if (!cut) return undefined;
      chunks.push(rest.slice(0, cut.end).trim());
      rest = rest.slice(cut.end).trim();
    }
    if (String(chunks.length).length > digits) continue;
    return { parts: chunks.map((c, i) => decorate(c, i, ` ${i + 1}/${chunks.length}`)), linkPlaced: extra !== '' };
  }
  return undefined;
}
