/** One HTTP exchange as a client saw it, for checking real traffic against a published spec. */
export interface Exchange {
  method: string;
  url: URL;
  requestHeaders: Record<string, string>;
  requestBody: unknown;
  status: number;
  responseHeaders: Headers;
  responseBody: unknown;
  /** Set by a test on requests it sends off-spec on purpose; they must then fail request validation. */
  offSpecRequest?: boolean;
}

/** Multipart bodies are recorded as their fields; file parts become a placeholder string (binary in the spec). */
function formFields(form: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of form.entries()) fields[key] = typeof value === 'string' ? value : '(binary)';
  return fields;
}

/** A fetch that remembers every exchange, so conformance tests check real traffic. */
export function recordingFetch(log: Exchange[], base: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    const text = await response.clone().text();
    const type = response.headers.get('content-type') ?? '';
    const rawBody = init?.body;
    let requestBody: unknown = rawBody;
    const requestHeaders = Object.fromEntries(new Headers(init?.headers).entries());
    if (typeof rawBody === 'string') {
      const contentType = requestHeaders['content-type'] ?? '';
      requestBody = contentType.includes('json') ? JSON.parse(rawBody) : Object.fromEntries(new URLSearchParams(rawBody));
    } else if (rawBody instanceof URLSearchParams) {
      requestBody = Object.fromEntries(rawBody);
      requestHeaders['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (rawBody instanceof FormData) {
      requestBody = formFields(rawBody);
      requestHeaders['content-type'] = 'multipart/form-data';
    }
    log.push({
      method: (init?.method ?? 'GET').toUpperCase(),
      url: new URL(typeof input === 'string' || input instanceof URL ? input : input.url),
      requestHeaders,
      requestBody,
      status: response.status,
      responseHeaders: response.headers,
      responseBody: text === '' ? undefined : type.includes('json') ? JSON.parse(text) : text,
    });
    return response;
  };
}
