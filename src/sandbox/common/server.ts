import Fastify, { type FastifyPluginAsync } from 'fastify';

export interface ServedSandbox<S> {
  url: string;
  sandbox: S;
  close(): Promise<void>;
}

/**
 * One emulator as a standalone server, at the root of its own port (`/v5/…`, `/2/…`, `/oauth/…`):
 * what each platform's `start<Platform>Sandbox` gives tests and tools.
 */
export async function serveAtRoot<S extends { plugin: FastifyPluginAsync }>(
  sandbox: S,
  opts: { host?: string; port?: number; logger?: boolean } = {},
): Promise<ServedSandbox<S>> {
  const { host = '127.0.0.1', port = 0, logger = false } = opts;
  const app = Fastify({
    // Never log request headers: they carry bearer tokens and Basic client secrets.
    logger: logger ? { serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }) } } : false,
  });
  await app.register(sandbox.plugin);
  await app.listen({ host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`, sandbox, close: () => app.close() };
}

/**
 * Why a consent request's redirect_uri is refused, shown as a page and never redirected to, so a
 * forged request cannot bounce the user to an attacker's URL (RFC 6749 §4.1.2.1); undefined when it is fine.
 * `registered` (when the app lists some) must contain it exactly.
 */
export function redirectUriProblem(redirectUri: string | undefined, registered: readonly string[] | undefined, notRegistered: string): string | undefined {
  if (!redirectUri) return 'redirect_uri is required.';
  let parsed: URL;
  try {
    parsed = new URL(redirectUri);
  } catch {
    return 'redirect_uri is not a valid URL.';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'redirect_uri must be http or https.';
  if (registered && !registered.includes(redirectUri)) return notRegistered;
  return undefined;
}
