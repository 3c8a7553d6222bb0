import { CONNECTORS } from '../connectors/index.js';

/**
 * What the OpenAPI document says beyond the route schemas, so that a client generated from it is good:
 * method names (operationId), typed errors (every 4xx/5xx as problem+json), examples, and the routes that
 * need no key. Applied to the generated document only; request validation and serialisation are unchanged.
 */

/** operationId by `METHOD path`: the method names of every generated SDK. A documented route missing here fails at start. */
const OPERATION_IDS: Record<string, string> = {
  'GET /healthz': 'checkLiveness',
  'GET /readyz': 'checkReadiness',
  'GET /oauth/callback/{platform}': 'completeAccountConnection',
  'PUT /media/uploads/{uploadId}': 'putMediaUpload',
  'POST /api/v1/links:check': 'checkLink',
  'POST /api/v1/pins:suggest': 'suggestPinText',
  'PUT /api/v1/accounts/{id}/slots': 'setQueueSlots',
  'GET /api/v1/accounts/{id}/slots': 'listQueueSlots',
  'GET /api/v1/analytics': 'listAnalytics',
  'GET /api/v1/analytics/summary': 'getAnalyticsSummary',
  'GET /api/v1/me': 'getMe',
  'GET /api/v1/accounts/{id}/health': 'getAccountHealth',
  'GET /api/v1/media/uploads/{uploadId}': 'getMediaUpload',
  'POST /api/v1/posts/{id}/analytics': 'readPostAnalytics',
  'GET /api/v1/seasons': 'listSeasons',
  'GET /api/v1/platforms': 'listPlatforms',
  'GET /api/v1/workspace': 'getWorkspace',
  'PATCH /api/v1/workspace': 'updateWorkspace',
  'GET /api/v1/keys': 'listApiKeys',
  'POST /api/v1/keys': 'createApiKey',
  'DELETE /api/v1/keys/{id}': 'revokeApiKey',
  'POST /api/v1/accounts/connect': 'connectAccount',
  'GET /api/v1/accounts': 'listAccounts',
  'GET /api/v1/accounts/{id}': 'getAccount',
  'PATCH /api/v1/accounts/{id}': 'updateAccount',
  'DELETE /api/v1/accounts/{id}': 'disconnectAccount',
  'GET /api/v1/accounts/{id}/status': 'checkAccount',
  'POST /api/v1/accounts/{id}/refresh': 'refreshAccount',
  'GET /api/v1/accounts/{id}/boards': 'listBoards',
  'POST /api/v1/accounts/{id}/boards': 'createBoard',
  'GET /api/v1/accounts/{id}/boards/{board}': 'getBoard',
  'GET /api/v1/accounts/{id}/boards/{board}/sections': 'listBoardSections',
  'POST /api/v1/accounts/{id}/boards/{board}/sections': 'createBoardSection',
  'POST /api/v1/posts': 'createPost',
  'GET /api/v1/posts': 'listPosts',
  'POST /api/v1/posts:validate': 'validatePost',
  'GET /api/v1/posts/{id}': 'getPost',
  'PATCH /api/v1/posts/{id}': 'updatePost',
  'POST /api/v1/posts/{id}/cancel': 'cancelPost',
  'POST /api/v1/posts/{id}/retry': 'retryPost',
  'POST /api/v1/posts:retry-failed': 'retryFailedPosts',
  'DELETE /api/v1/posts/{id}': 'deletePost',
  'POST /api/v1/campaigns': 'createCampaign',
  'GET /api/v1/campaigns': 'listCampaigns',
  'GET /api/v1/campaigns/{id}': 'getCampaign',
  'PATCH /api/v1/campaigns/{id}': 'updateCampaign',
  'DELETE /api/v1/campaigns/{id}': 'deleteCampaign',
  'POST /api/v1/posts:bulk': 'createPosts',
  'POST /api/v1/posts:import': 'importPosts',
  'POST /api/v1/webhooks': 'createWebhook',
  'GET /api/v1/webhooks': 'listWebhooks',
  'GET /api/v1/webhooks/{id}': 'getWebhook',
  'PATCH /api/v1/webhooks/{id}': 'updateWebhook',
  'DELETE /api/v1/webhooks/{id}': 'deleteWebhook',
  'POST /api/v1/webhooks/{id}/rotate-secret': 'rotateWebhookSecret',
  'POST /api/v1/webhooks/{id}/test': 'testWebhook',
  'GET /api/v1/webhooks/{id}/deliveries': 'listWebhookDeliveries',
  'GET /api/v1/webhooks/deliveries/{delivery_id}': 'getWebhookDelivery',
  'POST /api/v1/webhooks/deliveries/{delivery_id}/redeliver': 'redeliverWebhook',
  'POST /api/v1/media': 'uploadMedia',
  'GET /api/v1/media': 'listMedia',
  'POST /api/v1/media:fetch': 'fetchMedia',
  'POST /api/v1/media/uploads': 'createMediaUpload',
  'GET /api/v1/media/{id}': 'getMedia',
  'DELETE /api/v1/media/{id}': 'deleteMedia',
  'GET /api/v1/media/{id}/content': 'downloadMedia',
  'POST /api/v1/media/{id}/convert': 'convertMedia',
};

/** Operations that answer 409: idempotency conflicts, posts already publishing, media still in use. */
const CONFLICTS = new Set([
  'createPost',
  'createPosts',
  'importPosts',
  'updatePost',
  'cancelPost',
  'retryPost',
  'deletePost',
  'deleteCampaign',
  'deleteMedia',
  'connectAccount',
  'testWebhook',
  'redeliverWebhook',
]);

/** Operations that call a platform while answering: its refusals, limits and outages reach the caller. */
const PLATFORM_CALLS = new Set([
  'createPost',
  'validatePost',
  'createPosts',
  'importPosts',
  'updatePost',
  'checkAccount',
  'refreshAccount',
  'listBoards',
  'createBoard',
  'getBoard',
  'listBoardSections',
  'createBoardSection',
]);

/** The routes a caller reaches without an API key. */
const isPublic = (path: string) => !path.startsWith('/api/v1/');

/** Routes that are not the product's API: the platform emulators have their own documents. */
export const isSandboxRoute = (url: string) => url.startsWith('/sandbox/');
/** The compatibility APIs speak other products' formats; they are documented by those products, not here. */
export const isCompatRoute = (url: string) => url.startsWith('/compat/');

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });

/** One post as the README schedules it, for the first platform in the registry. */
function examplePost(): Record<string, unknown> {
  const first = CONNECTORS[0]!;
  return {
    content: 'Linen apron, hand-dyed in indigo',
    platforms: [first.facts.id],
    media_url: 'https://shop.example/images/apron.jpg',
    link: 'https://shop.example/apron',
    scheduled_at: '2031-05-01T09:00:00',
    timezone: 'Europe/Paris',
    utm: { source: first.facts.id, medium: 'social' },
    ...(first.exampleOptions ? { platform_options: { [first.facts.id]: first.exampleOptions } } : {}),
  };
}

const csvExample = () => {
  const post = examplePost();
  return `content,platforms,media_url,link,scheduled_at,timezone\n"${post.content}",${(post.platforms as string[]).join(' ')},${post.media_url},${post.link},${post.scheduled_at},${post.timezone}\n`;
};

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: Array<{ in: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: unknown; example?: unknown }> };
  responses: Record<string, unknown>;
};
type Document = { info: Record<string, unknown>; paths: Record<string, Record<string, Operation>>; tags?: unknown[] };

const TAGS = [
  { name: 'posts', description: 'Schedule, validate, list, change, cancel, retry and delete posts; bulk and CSV import' },
  { name: 'campaigns', description: 'Named groups of posts (campaign_id on posts, a filter of GET /posts)' },
  { name: 'accounts', description: 'Connect platform accounts (OAuth) and check their state' },
  { name: 'boards', description: 'Named places inside an account that posts go to' },
  { name: 'media', description: 'Images and videos stored by Pinion' },
  { name: 'webhooks', description: 'Endpoints notified when posts publish or fail and accounts need attention' },
  { name: 'workspace', description: 'The workspace and its defaults' },
  { name: 'keys', description: 'API keys of the workspace' },
  { name: 'platforms', description: 'The platforms this Pinion publishes to, with each one’s options schema' },
  { name: 'health', description: 'Liveness and readiness probes' },
];

/** Completes the generated document in place: see the comment at the top of this file. */
export function completeDocument(doc: Document): Document {
  doc.info.license = { name: 'MIT', identifier: 'MIT' };
  const used = new Set<string>();
  const missing: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      const id = OPERATION_IDS[key];
      if (!id) missing.push(key);
      if (!id) continue;
      op.operationId = id;
      op.description ??= op.summary;
      for (const tag of (op as { tags?: string[] }).tags ?? []) used.add(tag);
      const secured = !isPublic(path);
      if (!secured) op.security = [];
      const hasBody = Boolean(op.requestBody);
      const r = op.responses;
      if (hasBody || op.parameters?.length) r['400'] ??= problem('The request is malformed or a parameter is invalid; `errors` names each field');
      if (secured) {
        r['401'] ??= problem('No API key, or an unknown or revoked one: send `Authorization: Bearer <key>`');
        r['403'] ??= problem('The API key lacks the scope this operation needs (`required_scope`)');
        r['429'] ??= problem(
          'Too many requests: this API key’s limit per minute (X-RateLimit-* headers) or, for calls that reach a platform, its limit for the account (`retry_at`); Retry-After says when to try again',
        );
      }
      if (path.includes('{')) r['404'] ??= problem('Nothing with this id in your workspace');
      if (CONFLICTS.has(id)) r['409'] ??= problem('Conflicts with the current state (or the Idempotency-Key was used with another body)');
      if (PLATFORM_CALLS.has(id)) {
        r['409'] ??= problem('The account must be connected again (POST /api/v1/accounts/connect)');
        r['502'] ??= problem('The platform failed or did not answer; try again');
        r['503'] ??= problem('The platform refused this instance’s app credentials; an operator must fix them');
      }
      if (id === 'checkReadiness')
        r['503'] ??= problem('Not ready: the database does not answer, migrations are pending, or a platform refused the app credentials');
      if (hasBody) {
        r['413'] ??= problem('The body is larger than this operation takes');
        r['415'] ??= problem('The body is not in a media type this operation takes');
        r['422'] ??= problem('The request is well-formed but cannot be done as it is; `errors` names each field and what to do');
      }
      r['500'] ??= problem('Something went wrong on the server; the error is logged with the request id');
      r['default'] ??= problem('Any other error, as problem+json');
    }
  }
  if (missing.length) throw new Error(`${missing.join(', ')} ${missing.length === 1 ? 'has' : 'have'} no operationId: add them in src/api/openapi.ts`);
  // Request bodies a person can paste: the README's pin.
  const json = (path: string, method: string) => doc.paths[path]?.[method]?.requestBody?.content['application/json'];
  for (const path of ['/api/v1/posts', '/api/v1/posts:validate']) {
    const media = json(path, 'post');
    if (media) media.example = examplePost();
  }
  const bulk = json('/api/v1/posts:bulk', 'post');
  if (bulk) bulk.example = { posts: [examplePost()], mode: 'per_item' };
  const examples: Array<[path: string, method: string, example: unknown]> = [
    ['/api/v1/posts/{id}/retry', 'post', { platforms: [CONNECTORS[0]!.facts.id], scheduled_at: '2031-05-01T09:00:00+02:00' }],
    ['/api/v1/posts:retry-failed', 'post', { platform: CONNECTORS[0]!.facts.id, failed_since: '2031-05-01T00:00:00Z', limit: 50, dry_run: true }],
    ['/api/v1/campaigns', 'post', { name: 'Spring sale', description: 'Linen aprons and tea towels', color: '#3b82f6' }],
    ['/api/v1/campaigns/{id}', 'patch', { color: null }],
  ];
  for (const [path, method, example] of examples) {
    const media = json(path, method);
    if (media) media.example = example;
  }
  const importOp = doc.paths['/api/v1/posts:import']?.post;
  if (importOp) importOp.requestBody = { required: true, content: { 'text/csv': { schema: { type: 'string' }, example: csvExample() } } };
  doc.tags = [...used].sort().map((name) => TAGS.find((t) => t.name === name) ?? { name });
  return doc;
}
