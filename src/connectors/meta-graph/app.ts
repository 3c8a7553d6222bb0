import type { PlatformConfig } from '../contract.js';
import { ConnectorError } from '../errors.js';
import type { GraphHttpOptions } from './http.js';

/** The app credentials of a Meta platform, said plainly when missing (an operator's problem, never an account's). */
export function appOf(config: PlatformConfig, platform: string): { http: GraphHttpOptions; clientId: string; clientSecret: string } {
  if (!config.clientId || !config.clientSecret) {
    throw new ConnectorError(
      'misconfigured',
      `${platform} is not configured: set its client id and secret (the Meta app id and secret), or run with the sandbox`,
    );
  }
  return { http: { platform, apiBaseUrl: config.apiBaseUrl, timeoutMs: config.timeoutMs }, clientId: config.clientId, clientSecret: config.clientSecret };
}

/** How to reach a Meta platform's API: enough to publish with an account's token (no app secret needed). */
export function httpOf(config: PlatformConfig, platform: string): GraphHttpOptions {
  return { platform, apiBaseUrl: config.apiBaseUrl, timeoutMs: config.timeoutMs };
}
