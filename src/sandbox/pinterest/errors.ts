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
  invalidUrl: () => new PinterestError(400, 1, 'Whoops! It looks like you entered an invalid URL. Try creating a Pin again with a valid URL.'),
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
  mediaNotReady: (status: string) => new PinterestError(400, 1, `Media upload is not ready to be used for a Pin (status: ${status}).`),
  routeNotFound: () => new PinterestError(404, 404, 'Not found.'),
  // Token endpoint (the spec documents only `default`). A refused grant is 401 code 283 in production (issue 19's
  // evidence; pinterest/pinterest-api-demo#16 shows the same code and message from the older endpoint).
  grantInvalid: () => new PinterestError(401, 283, 'The authorization grant is invalid'),
  // Guess: refused client credentials answer 401 like every Pinterest authentication failure; the code is an option.
  invalidClient: (code: number) => new PinterestError(401, code, 'Authentication failed.'),
  // The RFC 6749 reading (`tokenErrors: 'rfc6749'`): 400 for a refused grant.
  invalidGrant: (detail: string) => new PinterestError(400, 400, `Invalid grant: ${detail}`),
  invalidTokenRequest: (detail: string) => new PinterestError(400, 400, `Invalid request: ${detail}`),
  // Production answers code 1 when its fetch of an image URL fails (issue 19's evidence); the status is a guess.
  couldNotFetchImage: () => new PinterestError(400, 1, 'Sorry we could not fetch the image.'),
  // Docs (creating video Pins): a video Pin needs a cover; the code is a guess.
  videoCoverRequired: () => new PinterestError(400, 1, 'A valid image url must be provided'),
  // 429 code 9, the anti-spam block (issue 19's evidence for the code); the message is a guess.
  spamBlocked: () => new PinterestError(429, 9, "Sorry! You've hit a block we have in place to combat spam. Please try again later."),
  injectedServerError: (status: 500 | 503) => new PinterestError(status, status, status === 503 ? 'Service unavailable.' : 'Internal server error.'),
};
