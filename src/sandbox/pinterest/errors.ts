/** Pinterest's error body is always `{code, message}`; this carries the HTTP status alongside. */
export class PinterestError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  toBody(): { code: number; message: string } {
    return { code: this.code, message: this.message };
  }
}

// Codes and messages below come from the spec's examples (5.23, or 5.14/5.18 where noted in SUMMARY.md)
// unless marked unverified.
export const errors = {
  invalidUrl: () =>
    new PinterestError(400, 1, 'Whoops! It looks like you entered an invalid URL. Try creating a Pin again with a valid URL.'),
  invalidParameters: (detail: string) => new PinterestError(400, 1, `Invalid parameters: ${detail}`),
  // Unverified: third-party reports show 401 code 2 for bad/expired tokens.
  authenticationFailed: () => new PinterestError(401, 2, 'Authentication failed.'),
  // Seen in pinterest/api-quickstart#97 (401, code 3).
  insufficientScope: () =>
    new PinterestError(
      401,
      3,
      'Your token does not have sufficient permissions to perform this operation. Please ensure your token is authorized with the correct set of scopes.',
    ),
  rateLimited: () =>
    new PinterestError(
      429,
      8,
      'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits or if multiple write operations are applied to an object within a short time window.',
    ),
  notPermitted: () => new PinterestError(403, 29, 'You are not permitted to access that resource.'),
  imageTooSmall: () => new PinterestError(403, 233, 'Your image is too small. Please choose a larger image and try again.'),
  imageBroken: () => new PinterestError(403, 235, 'Sorry, this image is broken. Please pick a different image.'),
  boardNotFound: () => new PinterestError(404, 40, 'Board not found.'),
  sectionNotFound: () => new PinterestError(404, 2031, "Sorry! We couldn't find this board section."),
  pinNotFound: () => new PinterestError(404, 50, 'Pin not found.'),
  mediaNotFound: () => new PinterestError(404, 404, 'Media upload not found'),
  boardInvalidOrDuplicated: () => new PinterestError(400, 400, 'The board name is invalid or duplicated.'),
  invalidSectionParameters: () => new PinterestError(400, 400, 'Invalid board section parameters.'),
  sectionConflict: () => new PinterestError(409, 409, 'Board section conflict.'),
  // Unverified: the spec gives no error for a pin made from media that is not ready.
  mediaNotReady: (status: string) =>
    new PinterestError(400, 1, `Media upload is not ready to be used for a Pin (status: ${status}).`),
  routeNotFound: () => new PinterestError(404, 404, 'Not found.'),
  // Unverified: the token endpoint documents only `default`; these follow OAuth 2 conventions (RFC 6749 §5.2 statuses).
  invalidClient: () => new PinterestError(401, 401, 'Client authentication failed.'),
  invalidGrant: (detail: string) => new PinterestError(400, 400, `Invalid grant: ${detail}`),
  invalidTokenRequest: (detail: string) => new PinterestError(400, 400, `Invalid request: ${detail}`),
  injectedServerError: (status: 500 | 503) =>
    new PinterestError(status, status, status === 503 ? 'Service unavailable.' : 'Internal server error.'),
};
