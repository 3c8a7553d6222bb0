import pino, { type DestinationStream, type Logger } from 'pino';

/** Query parameters that carry credentials in OAuth and presigned-URL flows. */
const SECRET_PARAMS =
  /^(code|state|token|access_token|refresh_token|client_secret|key|signature|x-amz-signature|x-amz-security-token|x-amz-credential|policy)$/i;

export function redactUrlQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of [...params.keys()]) if (SECRET_PARAMS.test(name)) params.set(name, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

/**
 * Secrets must never reach the log: headers that carry them are censored, query strings
 * are scrubbed, and anything logged under a key named like a secret is censored too.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
          'res.headers["set-cookie"]',
          '*.access_token',
          '*.refresh_token',
          '*.client_secret',
          '*.apiKey',
          '*.secret',
          'access_token',
          'refresh_token',
          'client_secret',
          'apiKey',
          'secret',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; headers?: Record<string, unknown>; socket?: { remoteAddress?: string } }) => ({
          method: req.method,
          url: redactUrlQuery(req.url),
          remoteAddress: req.socket?.remoteAddress,
        }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
export type { Logger };
