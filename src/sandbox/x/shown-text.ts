import { createHash } from 'node:crypto';
import twitterText from 'twitter-text';

const tco = (seed: string) => `https://t.co/${createHash('sha256').update(seed).digest('base64url').replace(/[-_]/g, '').slice(0, 10)}`;
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A post's text as X shows it (docs data-dictionary.mdx examples): every link, as twitter-text finds it, becomes a
 * t.co link; `&`, `<` and `>` are HTML-escaped; a post with media ends with one more t.co link, to the media.
 * The t.co slugs are derived from the post id, so every answer shows the same text.
 */
export function shownText(text: string, postId: string, hasMedia: boolean): string {
  let out = '';
  let at = 0;
  const urls = twitterText.extractUrlsWithIndices(text).sort((a, b) => a.indices[0] - b.indices[0]);
  urls.forEach((url, i) => {
    out += escapeHtml(text.slice(at, url.indices[0])) + tco(`${postId}:${i}`);
    at = url.indices[1];
  });
  out += escapeHtml(text.slice(at));
  return hasMedia ? `${out}${out === '' ? '' : ' '}${tco(`${postId}:media`)}` : out;
}
