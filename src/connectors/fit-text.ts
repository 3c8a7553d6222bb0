/**
 * The one rule Pinion uses to make post-wide text fit a platform, so every platform adapts the
 * same way and a person can predict the result:
 * 1. Text that fits is left alone.
 * 2. Otherwise the trailing hashtags (a run of `#tag` words at the end) and, where the platform
 *    counts the link in the text, the link are set aside; the body is cut at the last sentence end
 *    (`.`, `!`, `?` followed by a space) that leaves room, else at the last word boundary, else
 *    mid-word; an ellipsis `…` marks a cut that was not at a sentence end.
 * 3. The hashtags are put back as far as they fit (in order), then the link.
 * Text written for one platform (`platform_options.<p>.content`) is never fitted: it is an error.
 */
export interface FitInput {
  text: string;
  max: number;
  count(text: string): number;
  /** Appended after the text, separated by a space, and never cut (a link the platform reads from the text). */
  tail?: string;
}

export interface Fitted {
  text: string;
  /** True when the text was changed to fit. */
  cut: boolean;
  /** Hashtags that did not fit and were dropped. */
  droppedHashtags: string[];
}

const TRAILING_TAGS = /(?:\s+#[\p{L}\p{N}_]+)+\s*$/u;

const join = (...parts: Array<string | undefined>) => parts.filter((p) => p !== undefined && p !== '').join(' ');

export function fitText(input: FitInput): Fitted {
  const { max, count } = input;
  const whole = join(input.text.trim(), input.tail);
  if (count(whole) <= max) return { text: whole, cut: false, droppedHashtags: [] };

  const tagsMatch = input.text.trimEnd().match(TRAILING_TAGS);
  const tags = tagsMatch ? tagsMatch[0].trim().split(/\s+/) : [];
  const body = (tagsMatch ? input.text.trimEnd().slice(0, tagsMatch.index) : input.text).trim();
  const room = (kept: string[]) => (candidate: string) => count(join(candidate, ...kept, input.tail)) <= max;

  // Keep as many hashtags as leave room for at least a few words of body.
  let kept = tags;
  while (kept.length && !room(kept)(body.slice(0, Math.min(body.length, 20)))) kept = kept.slice(0, -1);
  const cutBody = cutToFit(body, room(kept));
  return { text: join(cutBody, ...kept, input.tail), cut: true, droppedHashtags: tags.slice(kept.length) };
}

/** The longest prefix of `body` that fits: at a sentence end, else a word boundary with `…`, else mid-word with `…`. */
function cutToFit(body: string, fits: (s: string) => boolean): string {
  if (fits(body)) return body;
  const sentences = [...body.matchAll(/[.!?](?=\s)/g)].map((m) => m.index! + 1).reverse();
  for (const end of sentences) if (fits(body.slice(0, end))) return body.slice(0, end);
  const words = [...body.matchAll(/\s+/g)].map((m) => m.index!).reverse();
  for (const end of words) {
    const candidate = `${body.slice(0, end).replace(/[\s,;:–—-]+$/u, '')}…`;
    if (fits(candidate)) return candidate;
  }
  const chars = [...body];
  for (let n = chars.length - 1; n > 0; n--) {
    const candidate = `${chars.slice(0, n).join('')}…`;
    if (fits(candidate)) return candidate;
  }
  return '';
}
