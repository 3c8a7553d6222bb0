/** Text as Meta counts it. */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** Characters as code points: Instagram captions and Facebook messages. */
export const codePoints = (text: string): number => [...text].length;

/**
 * Threads' count: 500 characters, "emojis counted as their UTF-8 byte length". An emoji is the
 * whole grapheme (with its skin-tone modifier, variation selector and zero-width joiners), so 👍🏽
 * counts 8 and 👨‍👩‍👧 18; every other grapheme counts its code points.
 */
export function threadsLength(text: string): number {
  let n = 0;
  for (const { segment } of graphemes.segment(text)) n += EMOJI.test(segment) ? Buffer.byteLength(segment, 'utf8') : [...segment].length;
  return n;
}

/** `#tags` and `@mentions` as Instagram counts them against its 30 and 20 limits. */
export const hashtags = (text: string): string[] => text.match(/(?<![\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu) ?? [];
export const mentions = (text: string): string[] => text.match(/(?<![\p{L}\p{N}_])@[A-Za-z0-9._]+/gu) ?? [];

/** Splits text too long for one post into parts of at most `max` (counted by `count`), at word boundaries, each but the last ending ` …`. */
export function splitChain(text: string, max: number, count: (t: string) => number): string[] {
  const words = text.trim().split(/(\s+)/u);
  const parts: string[] = [];
  let current = '';
  const room = (t: string) => count(`${t} …`) <= max;
  for (const w of words) {
    const next = current + w;
    if (room(next.trimEnd()) || current.trim() === '') {
      current = next;
      continue;
    }
    parts.push(`${current.trim()} …`);
    current = w.trim() === '' ? '' : w;
  }
  if (current.trim()) parts.push(current.trim());
  // A single word longer than a part: cut it by code points.
  return parts.flatMap((p) => (count(p) <= max ? [p] : cutHard(p, max, count)));
}

function cutHard(text: string, max: number, count: (t: string) => number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const { segment } of graphemes.segment(text)) {
    if (count(cur + segment) > max) {
      out.push(cur);
      cur = '';
    }
    cur += segment;
  }
  if (cur) out.push(cur);
  return out;
}
