/**
 * The start every connector's error reader shares: an error answer's body as a JSON object, or,
 * when it is not JSON, its first 300 characters (or `fallback` when empty) as the message.
 */
export function errorBody(text: string, fallback: string): { json: Record<string, unknown> } | { message: string } {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') return { json: parsed as Record<string, unknown> };
  } catch {
    /* not JSON: the raw text says what happened */
  }
  return { message: text.slice(0, 300) || fallback };
}

/** A non-empty string field of a platform's JSON, else undefined. */
export const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
