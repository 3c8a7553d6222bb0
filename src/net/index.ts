/** Outbound HTTP to URLs users give (media, webhooks): what may be reached. */
export { isAllowedHost, isPublicAddress, literalRefusal, publicOnlyLookup } from './public-only.js';
