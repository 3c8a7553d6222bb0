/**
 * How a platform call failed, decided once in the connector so the scheduler and the accounts
 * code act on a kind, never on a parsed message.
 * - retryable: nothing happened on the platform; try again later (5xx, network error on a read).
 * - rate_limited: try again at `retryAt`.
 * - auth_expired: the access token is not accepted; refresh, then retry.
 * - auth_revoked: the grant itself is gone (refresh refused); a person must reconnect.
 * - rejected: the platform refused this content or request; retrying will not help.
 * - not_found: the object (board, section, pin) does not exist.
 * - unknown_outcome: a write was sent and no answer came back; it may or may not have happened.
 * - misconfigured: the platform refused Pinion's own app (client id or secret wrong, app lacks access):
 *   an operator must fix the configuration; the accounts are fine and must not be asked to reconnect.
 */
export type ConnectorErrorKind =
  'retryable' | 'rate_limited' | 'auth_expired' | 'auth_revoked' | 'rejected' | 'not_found' | 'unknown_outcome' | 'misconfigured';

export class ConnectorError extends Error {
  constructor(
    readonly kind: ConnectorErrorKind,
    message: string,
    readonly details: { status?: number; platformCode?: number; retryAt?: Date; operation?: string } = {},
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  get retryable(): boolean {
    return this.kind === 'retryable' || this.kind === 'rate_limited' || this.kind === 'auth_expired';
  }
}

export const isConnectorError = (e: unknown): e is ConnectorError => e instanceof ConnectorError;

/** The platform has no app credentials configured (client id and secret): an instance-level problem, not the account's. */
export class PlatformNotConfigured extends Error {
  override name = 'PlatformNotConfigured';
}

/**
 * What a refused token refresh means on every platform: invalid_grant and the like say the grant
 * is gone and only the person can bring it back (`auth_revoked`). A refused client
 * (`misconfigured`) and a lost answer stay as they are: the account is fine.
 */
export function refusedGrant(err: unknown): unknown {
  if (err instanceof ConnectorError && (err.kind === 'rejected' || err.kind === 'auth_expired' || err.kind === 'not_found')) {
    return new ConnectorError('auth_revoked', err.message, err.details);
  }
  return err;
}
