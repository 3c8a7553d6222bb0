import { isConnectorError } from '../../connectors/index.js';
import { HttpProblem } from '../problem.js';

/** A platform failure during a request, told to the caller with the platform's own message. */
export function connectorProblem(err: unknown): Error {
  if (!isConnectorError(err)) return err as Error;
  const status = {
    auth_revoked: 409,
    auth_expired: 502,
    rate_limited: 429,
    retryable: 502,
    unknown_outcome: 502,
    rejected: 422,
    not_found: 404,
    misconfigured: 503,
  }[err.kind];
  return new HttpProblem(status, `platform-${err.kind.replace('_', '-')}`, err.message, undefined, {
    platform_status: err.details.status,
    platform_code: err.details.platformCode,
    ...(err.details.retryAt ? { retry_at: err.details.retryAt.toISOString() } : {}),
  });
}
