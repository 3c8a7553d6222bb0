/** Outbound HTTP to URLs users give (media, webhooks, the sandbox's image fetches): what may be reached, and a fetch that keeps to it. */
export { isAllowedHost, isPublicAddress, literalRefusal, publicOnlyLookup } from './public-only.js';
export { safeFetch, MediaFetchError, type MediaFetchReason, type SafeFetchOptions, type SafeFetchResult } from './safe-fetch.js';
