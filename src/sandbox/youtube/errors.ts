/**
 * Google's error shape for the Data API (docs `youtube/v3/docs/errors`, and every live answer):
 * `{error: {code, message, errors: [{message, domain, reason, location?, locationType?}], status}}`,
 * and RFC 6749's `{error, error_description}` at the OAuth endpoints.
 */
export class GoogleError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly domain = 'youtube.api',
    readonly extra: { location?: string; locationType?: string } = {},
  ) {
    super(message);
  }

  get body() {
    const status = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 500: 'INTERNAL', 503: 'UNAVAILABLE' }[
      this.code
    ];
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ message: this.message, domain: this.domain, reason: this.reason, ...this.extra }],
        ...(status && { status }),
      },
    };
  }
}

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const QUOTA_MESSAGE = 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

export const errors = {
  unauthorized: () =>
    new GoogleError(
      401,
      'authError',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      'global',
      { location: 'Authorization', locationType: 'header' },
    ),
  insufficientScopes: () => new GoogleError(403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', 'global'),
  quotaExceeded: () => new GoogleError(403, 'quotaExceeded', QUOTA_MESSAGE, 'youtube.quota'),
  required: (name: string) => new GoogleError(400, 'required', `Required parameter: ${name}`, 'global', { location: name, locationType: 'parameter' }),
  invalidParameter: (name: string, message: string) =>
    new GoogleError(400, 'invalidParameter', message, 'global', { location: name, locationType: 'parameter' }),
  unknownParameter: (name: string) =>
    new GoogleError(
      400,
      'badRequest',
      `Invalid JSON payload received. Unknown name "${name}": Cannot bind query parameter. Field '${name}' could not be found in request message.`,
      'global',
    ),
  unknownPart: (part: string) => new GoogleError(400, 'unknownPart', `'${part}'`, 'youtube.part', { location: 'part', locationType: 'parameter' }),
  badBody: (message: string) => new GoogleError(400, 'badRequest', `Invalid JSON payload received. ${message}`, 'global'),
  invalidValue: (at: string, value: unknown) => new GoogleError(400, 'invalid', `Invalid value at '${at}', ${JSON.stringify(value)}`, 'global'),
  invalidTitle: () => new GoogleError(400, 'invalidTitle', 'The request metadata specifies an invalid or empty video title.', 'youtube.video'),
  invalidDescription: () => new GoogleError(400, 'invalidDescription', 'The request metadata specifies an invalid video description.', 'youtube.video'),
  invalidTags: () => new GoogleError(400, 'invalidTags', 'The request metadata specifies invalid video keywords.', 'youtube.video'),
  invalidCategoryId: () =>
    new GoogleError(
      400,
      'invalidCategoryId',
      'The <code>snippet.categoryId</code> property specifies an invalid category ID. Use the <code>videoCategories.list</code> method to retrieve supported categories.',
      'youtube.video',
    ),
  invalidPublishAt: () => new GoogleError(400, 'invalidPublishAt', 'The request metadata specifies an invalid scheduled publishing time.', 'youtube.video'),
  mediaBodyRequired: () => new GoogleError(400, 'mediaBodyRequired', 'The request does not include the video content.', 'youtube.video'),
  videoNotFound: () =>
    new GoogleError(404, 'videoNotFound', 'The video that you are trying to update cannot be found.', 'youtube.video', {
      location: 'videoId',
      locationType: 'parameter',
    }),
  playlistNotFound: () =>
    new GoogleError(
      404,
      'playlistNotFound',
      "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
      'youtube.playlistItem',
      { location: 'playlistId', locationType: 'parameter' },
    ),
  channelNotFound: () => new GoogleError(404, 'channelNotFound', 'The channel identified with the request cannot be found.', 'youtube.channel'),
  invalidImage: () => new GoogleError(400, 'invalidImage', 'The provided image content is invalid.', 'youtube.thumbnail'),
  imageTooLarge: () => new GoogleError(400, 'mediaBodyTooLarge', 'The provided image is too large: thumbnails may be at most 2 MB.', 'youtube.thumbnail'),
  sessionNotFound: () => new GoogleError(404, 'notFound', 'The upload session was not found or has expired.', 'global'),
  badContentRange: (message: string) => new GoogleError(400, 'badContent', message, 'global'),
  injected: (code: 500 | 503) =>
    new GoogleError(
      code,
      code === 503 ? 'backendError' : 'internalError',
      code === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.',
      'global',
    ),
  notFound: () => new GoogleError(404, 'notFound', 'Not Found', 'global'),
};
