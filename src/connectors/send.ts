import { ConnectorError } from './errors.js';

export interface SendOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The call may create something on the platform (a post, a container, an upload session). */
  write: boolean;
  /** `POST /v5/pins`-style name of the call, kept on the error for logs and attempts. */
  operation: string;
  /** How a message about this call starts, e.g. `Pinterest POST /v5/pins`. */
  subject: string;
}

export interface Answer {
  res: Response;
  text: string;
}

/** Lost before the platform's answer was read: for a write it may still have happened. */
const lostKind = (write: boolean) => (write ? 'unknown_outcome' : 'retryable');

/**
 * One request with its whole answer read. Every platform shares what a lost answer means: the
 * request may have reached the platform, so a write whose answer never arrived (timeout, reset,
 * connection cut while reading) is an `unknown_outcome` the scheduler checks before any retry,
 * and a read is simply retryable. Answers that did arrive are the caller's to classify.
 */
export async function sendOnce(url: URL, init: RequestInit, o: SendOptions): Promise<Answer> {
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(o.timeoutMs ?? 30_000) });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? 'timed out' : `failed: ${(err as Error).cause ?? (err as Error).message}`;
    throw new ConnectorError(lostKind(o.write), `${o.subject} ${reason}`, { operation: o.operation });
  }
  try {
    return { res, text: await res.text() };
  } catch {
    throw new ConnectorError(lostKind(o.write), `${o.subject}: connection lost while reading the answer`, { operation: o.operation, status: res.status });
  }
}

/**
 * A success answer's JSON. A 2xx whose body cannot be read does not say what was made, so for a
 * write it is an unknown outcome (looked for before any retry), never a plain failure.
 */
export function successBody<T>(answer: Answer, o: Pick<SendOptions, 'write' | 'operation' | 'subject'>): T {
  try {
    return (answer.text ? JSON.parse(answer.text) : undefined) as T;
  } catch {
    throw new ConnectorError(lostKind(o.write), `${o.subject}: answer is not JSON`, { operation: o.operation, status: answer.res.status });
  }
}
