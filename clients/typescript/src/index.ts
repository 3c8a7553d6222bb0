import { randomUUID } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import { retryAfterSeconds, toError } from './errors.js';
import type { components, paths } from './schema.js';

export * from './errors.js';
export { verifyWebhook } from './webhooks.js';
export type { components, paths, operations } from './schema.js';

export type PostRequest = paths['/api/v1/posts']['post']['requestBody']['content']['application/json'];
export type PostQuery = NonNullable<paths['/api/v1/posts']['get']['parameters']['query']>;
export type Post = components['schemas']['Post'];
export type Account = components['schemas']['Account'];
export type Board = components['schemas']['Board'];
export type WebhookEndpoint = components['schemas']['WebhookEndpoint'];
export type ConnectRequest = paths['/api/v1/accounts/connect']['post']['requestBody']['content']['application/json'];
export type AccountChange = paths['/api/v1/accounts/{id}']['patch']['requestBody']['content']['application/json'];
export type Validation = paths['/api/v1/posts:validate']['post']['responses']['200']['content']['application/json'];
export type Campaign = components['schemas']['Campaign'];
export type CampaignRequest = paths['/api/v1/campaigns']['post']['requestBody']['content']['application/json'];
export type RetryRequest = NonNullable<paths['/api/v1/posts/{id}/retry']['post']['requestBody']>['content']['application/json'];
export type RetryFailedRequest = NonNullable<paths['/api/v1/posts:retry-failed']['post']['requestBody']>['content']['application/json'];

export interface PinionOptions {
  /** Where Pinion runs, e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  apiKey: string;
  /** Tries after the first when the answer is 429, or 503 to a request that is safe to repeat (default 3). */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown instead (default 60). */
  maxRetryAfterSeconds?: number;
  fetch?: typeof fetch;
  /** How to wait between tries (tests pass a recording one). */
  sleep?: (ms: number) => Promise<void>;
}

/** A request Pinion does once however often it is sent: a read, a delete, or a write with an Idempotency-Key. */
const safeToRepeat = (r: Request) => ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(r.method) || r.headers.has('idempotency-key');

/** fetch that tries again on 429 (never processed) and on 503 for safe requests, waiting as Retry-After says. */
function retrying(base: typeof fetch, o: Required<Pick<PinionOptions, 'maxRetries' | 'maxRetryAfterSeconds' | 'sleep'>>): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    for (let attempt = 0; ; attempt++) {
      const response = await base(request.clone());
      const retry = response.status === 429 || (response.status === 503 && safeToRepeat(request));
      if (!retry || attempt >= o.maxRetries) return response;
      const wait = retryAfterSeconds(response) ?? Math.min(30, 2 ** attempt);
      if (wait > o.maxRetryAfterSeconds) return response;
      await response.body?.cancel();
      await o.sleep(wait * 1000);
    }
  };
}

/** The data of a successful answer; a typed PinionError otherwise. */
async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toError(response, error);
  return data as T;
}

/**
 * A Pinion client: `raw` is the client generated from the OpenAPI document (every operation, typed);
 * the rest is a thin layer over it for the common tasks.
 */
export function createPinion(options: PinionOptions) {
  const raw: Client<paths> = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: retrying(options.fetch ?? globalThis.fetch, {
      maxRetries: options.maxRetries ?? 3,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds ?? 60,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    }),
  });

  const posts = {
    /** Schedules a post. An Idempotency-Key is made when none is given, so the client's own retries never post twice. */
    create: (body: PostRequest, opts: { idempotencyKey?: string } = {}) =>
      unwrap(raw.POST('/api/v1/posts', { body, params: { header: { 'idempotency-key': opts.idempotencyKey ?? randomUUID() } } })) as Promise<Post>,
    /** Up to 500 posts, all or none; with an Idempotency-Key (made when none is given) a retry returns the same posts. */
    createMany: (list: PostRequest[], opts: { idempotencyKey?: string } = {}) =>
      unwrap(raw.POST('/api/v1/posts:bulk', { body: { posts: list }, params: { header: { 'idempotency-key': opts.idempotencyKey ?? randomUUID() } } })),
    validate: (body: PostRequest) => unwrap(raw.POST('/api/v1/posts:validate', { body })) as Promise<Validation>,
    get: (id: string) => unwrap(raw.GET('/api/v1/posts/{id}', { params: { path: { id } } })) as Promise<Post>,
    list: (query: PostQuery = {}) => unwrap(raw.GET('/api/v1/posts', { params: { query } })),
    update: (id: string, body: Partial<PostRequest>) => unwrap(raw.PATCH('/api/v1/posts/{id}', { params: { path: { id } }, body })) as Promise<Post>,
    cancel: (id: string) => unwrap(raw.POST('/api/v1/posts/{id}/cancel', { params: { path: { id } } })) as Promise<Post>,
    /** Publishes the post's failed deliveries again (never one whose outcome is unknown). */
    retry: (id: string, body: RetryRequest = {}) => unwrap(raw.POST('/api/v1/posts/{id}/retry', { params: { path: { id } }, body })),
    /** Publishes the failed deliveries of many posts again; `dry_run` only counts them. */
    retryFailed: (body: RetryFailedRequest = {}) => unwrap(raw.POST('/api/v1/posts:retry-failed', { body })),
    /** Deletes a post (cancelling what has not started); `unpublish` deletes it from the platforms too, where they allow it. */
    delete: (id: string, opts: { unpublish?: boolean } = {}) => unwrap(raw.DELETE('/api/v1/posts/{id}', { params: { path: { id }, query: opts } })),
    /** Every post matching the query, page after page. */
    async *iterate(query: Omit<PostQuery, 'cursor'> = {}): AsyncGenerator<Post> {
      let cursor: string | undefined;
      do {
        const page = await posts.list({ ...query, ...(cursor ? { cursor } : {}) });
        yield* page.data as Post[];
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
    },
  };

  const accounts = {
    list: () => unwrap(raw.GET('/api/v1/accounts')),
    get: (id: string) => unwrap(raw.GET('/api/v1/accounts/{id}', { params: { path: { id } } })) as Promise<Account>,
    /** Sets the account's own time zone (an IANA name; null: the workspace's, UTC). */
    update: (id: string, body: AccountChange) => unwrap(raw.PATCH('/api/v1/accounts/{id}', { params: { path: { id } }, body })) as Promise<Account>,
    /** Starts connecting an account: send the person to `authorize_url`. */
    connect: (platform: ConnectRequest['platform'], redirectUrl?: string) =>
      unwrap(raw.POST('/api/v1/accounts/connect', { body: { platform, ...(redirectUrl ? { redirect_url: redirectUrl } : {}) } })),
    boards: (accountId: string) => unwrap(raw.GET('/api/v1/accounts/{id}/boards', { params: { path: { id: accountId } } })),
  };

  const campaigns = {
    create: (body: CampaignRequest) => unwrap(raw.POST('/api/v1/campaigns', { body })) as Promise<Campaign>,
    list: (query: { cursor?: string; limit?: number } = {}) => unwrap(raw.GET('/api/v1/campaigns', { params: { query } })),
    get: (id: string) => unwrap(raw.GET('/api/v1/campaigns/{id}', { params: { path: { id } } })) as Promise<Campaign>,
    update: (id: string, body: Partial<CampaignRequest>) =>
      unwrap(raw.PATCH('/api/v1/campaigns/{id}', { params: { path: { id } }, body })) as Promise<Campaign>,
    /** Refused (409) while posts belong to it, unless `detach_posts`. */
    delete: (id: string, opts: { detach_posts?: boolean } = {}) => unwrap(raw.DELETE('/api/v1/campaigns/{id}', { params: { path: { id }, query: opts } })),
  };

  return { raw, posts, accounts, campaigns };
}

export type Pinion = ReturnType<typeof createPinion>;
