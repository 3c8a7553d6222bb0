/**
 * How LinkedIn reads `commentary` ("little text"): `\x` is the character x; `@[Name](urn)` is a
 * mention; `#word` a hashtag; `{hashtag|\#|word}` a hashtag template. LinkedIn's docs warn that
 * an unescaped reserved character may cut the post short; the emulator does exactly that (option
 * `truncateUnescaped`), so a client that does not escape is caught by its tests.
 */
const RESERVED = new Set(['|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '\\', '*', '_', '~']);
const MENTION = /@\[([^\]\n]+)\]\((urn:li:(?:person|organization|company):[A-Za-z0-9_-]+)\)/y;
const TAG = /#([\p{L}\p{N}]+)/uy;
const TEMPLATE = /\{hashtag\|\\#\|([\p{L}\p{N}]+)\}/uy;

export interface Rendered {
  /** What a reader sees. */
  text: string;
  /** True when the text was cut at an unescaped reserved character. */
  truncated: boolean;
  mentions: string[];
  hashtags: string[];
}

export function renderLittleText(input: string, truncate: boolean): Rendered {
  let text = '';
  const mentions: string[] = [];
  const hashtags: string[] = [];
  let i = 0;
  const sticky = (re: RegExp) => {
    re.lastIndex = i;
    return re.exec(input);
  };
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === '\\' && i + 1 < input.length) {
      text += input[i + 1];
      i += 2;
      continue;
    }
    const m = ch === '@' ? sticky(MENTION) : ch === '#' ? sticky(TAG) : ch === '{' ? sticky(TEMPLATE) : null;
    if (m) {
      if (ch === '@') {
        mentions.push(m[2]!);
        text += m[1];
      } else {
        hashtags.push(m[1]!);
        text += `#${m[1]}`;
      }
      i += m[0].length;
      continue;
    }
    if (RESERVED.has(ch) && truncate) return { text, truncated: true, mentions, hashtags };
    text += ch;
    i++;
  }
  return { text, truncated: false, mentions, hashtags };
}
