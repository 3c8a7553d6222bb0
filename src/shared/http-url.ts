/**
 * An absolute http(s) URL, as platforms accept for media and links. The scheme is looked at before
 * the URL is parsed, and it is parsed without building a URL object: every post checks its media
 * URL and link this way, and `new URL()` was over 1% of a POST /posts. Leading spaces and control
 * characters pass, as the URL parser drops them (and `new URL()` let them through before).
 */
export const isHttpUrl = (s: string): boolean => /^[\x00-\x20]*https?:/i.test(s) && URL.canParse(s);
