/**
 * Sends PostEverywhere's SDK to a local Pinion: requests to https://app.posteverywhere.ai go to
 * Pinion's /compat/posteverywhere, loopback traffic (Pinion's own sandbox and image servers) passes,
 * and anything else is refused, so no request leaves the machine.
 */
export const PE_ORIGIN = 'https://app.posteverywhere.ai';

export function routeToPinion(pinionUrl: string): { restore(): void; seen: string[] } {
  const real = globalThis.fetch;
  const seen: string[] = [];
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(`${PE_ORIGIN}/`)) {
      seen.push(`${init?.method ?? 'GET'} ${url.slice(PE_ORIGIN.length)}`);
      return real(`${pinionUrl}/compat/posteverywhere${url.slice(PE_ORIGIN.length)}`, init);
    }
    const host = new URL(url).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`A test request tried to leave the machine: ${url}`);
    return real(input, init);
  }) as typeof fetch;
  return { restore: () => void (globalThis.fetch = real), seen };
}
