/**
 * LinkedIn's "little text" format (`commentary` of the Posts API): the characters
 * `| { } @ [ ] ( ) < > # \ * _ ~` are markup and must be escaped with a backslash wherever they
 * are meant as text — LinkedIn may silently cut a post at an unescaped one. Two constructs are
 * kept as markup, because people write them on purpose:
 * - mentions `@[Name](urn:li:person:…)` / `@[Name](urn:li:organization:…)`, sent as they are;
 * - hashtags `#word` (a `#` at the start of a word followed by letters or digits).
 * Everything else is text, escaped. An `_` ends a hashtag (and is escaped), since LinkedIn's docs
 * do not say whether a hashtag may hold one.
 */
const RESERVED = new Set(['|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '\\', '*', '_', '~']);
const MENTION = /@\[([^\]\n]+)\]\((urn:li:(?:person|organization|company):[A-Za-z0-9_-]+)\)/y;
const TAG_BODY = /[\p{L}\p{N}]+/uy;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

export function escapeLittleText(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '@') {
      MENTION.lastIndex = i;
      const m = MENTION.exec(text);
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    if (ch === '#' && (i === 0 || !WORD_CHAR.test(text[i - 1]!))) {
      TAG_BODY.lastIndex = i + 1;
      const m = TAG_BODY.exec(text);
      if (m) {
        out += `#${m[0]}`;
        i += 1 + m[0].length;
        continue;
      }
    }
    out += RESERVED.has(ch) ? `\\${ch}` : ch;
    i++;
  }
  return out;
}

/** The length LinkedIn measures `commentary` by: UTF-16 units of the escaped text (the stricter reading). */
export const littleTextLength = (text: string): number => escapeLittleText(text).length;

/** The mentions a text carries (the URNs), for checks and messages. */
export function mentionsOf(text: string): string[] {
  return [...text.matchAll(new RegExp(MENTION.source, 'g'))].map((m) => m[2]!);
}
