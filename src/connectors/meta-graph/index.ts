/** What the three Meta platforms (Facebook Pages, Instagram, Threads) share: one Graph API. */
export { GRAPH_VERSION, THREADS_VERSION, metaUrl, type MetaHost } from './hosts.js';
export { callGraph, classifyGraphError, readGraphError, QUOTA_SUBCODE, type GraphCall, type GraphHttpOptions, type GraphError } from './http.js';
export { SLOW_DOWN_AT } from './usage.js';
export { pollContainer, containerFailed, stateOf, whyFailed, type ContainerStatus, type ContainerState, type PollOptions } from './containers.js';
export { checkQuota, type PublishingLimit } from './quota.js';
export { exchangeForLongLived, refreshLongLived, type LongLivedApp } from './long-lived.js';
export { urlOf, bytesOf, toGraphMedia, mediaRef, refId, MEDIA_REF, type GraphMedia, type NamedMedia } from './media.js';
export { codePoints, threadsLength, hashtags, mentions, splitChain } from './text.js';
export { pickMatch, sameText, graphTime, CLOCK_SKEW_MS, type Listed } from './find.js';
export { publishContainer, publishedFrom, type ContainerProgress, type ContainerCalls } from './container-step.js';
export { facebookLogin, FACEBOOK_LOGIN_SCOPES, VIA_FACEBOOK, type FacebookLoginApp } from './facebook-login.js';
export { appOf, httpOf } from './app.js';
export { graphSandbox, listedMedia } from './entry.js';
export { longLivedLogin, type LongLivedLoginSpec } from './long-lived-login.js';
