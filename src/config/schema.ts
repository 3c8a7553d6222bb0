import { Type, type Static } from '@sinclair/typebox';
import { CONNECTORS, type Connector } from '../connectors/index.js';

/** One platform's settings; defaults come from the platform's own facts. */
function platformSettings(c: Connector) {
  const f = c.facts;
  return Type.Object(
    {
      /** The app's credentials at the platform (its developer portal); none means the platform cannot be connected. */
      clientId: Type.Optional(Type.String({ minLength: 1 })),
      clientSecret: Type.Optional(Type.String({ minLength: 1 })),
      apiBaseUrl: Type.String({ default: f.defaults.apiBaseUrl, pattern: '^https?://' }),
      authorizeUrl: Type.String({ default: f.defaults.authorizeUrl, pattern: '^https?://' }),
      /** Per call to the platform; a write that times out is an unknown outcome, never blindly retried. */
      timeoutMs: Type.Integer({ default: f.defaults.timeoutMs, minimum: 100 }),
      /** Writes per account, shared by all workers: spaced evenly so no window ever holds more than `limit`. */
      writeBudget: Type.Object(
        {
          limit: Type.Integer({ default: f.writeBudget.limit, minimum: 1 }),
          windowSeconds: Type.Number({ default: f.writeBudget.windowSeconds, minimum: 0.1 }),
          /** Writes per account per UTC day; 0 means no daily cap. */
          perDay: Type.Integer({ default: f.writeBudget.perDay, minimum: 0 }),
        },
        { default: {}, additionalProperties: false },
      ),
      /** After a lost answer, how long Pinion keeps looking for the post before it may publish again. */
      outcomeWindowSeconds: Type.Number({ default: f.outcomeWindowSeconds, minimum: 0 }),
      /** Platforms that count an app's calls in units per day: the allowance and each operation's cost. */
      ...(f.quota && {
        quota: Type.Object(
          {
            unitsPerDay: Type.Integer({ default: f.quota.unitsPerDay, minimum: 0 }),
            costs: Type.Object(Object.fromEntries(Object.entries(f.quota.costs).map(([op, cost]) => [op, Type.Integer({ default: cost, minimum: 0 })])), {
              default: {},
              additionalProperties: false,
            }),
          },
          { default: {}, additionalProperties: false },
        ),
      }),
    },
    { default: {}, additionalProperties: false },
  );
}

/**
 * Every setting Pinion reads, with its default. One schema serves the config file, the
 * environment and the CLI flags, so all three are validated the same way at start.
 */
export const ConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1 }),
    port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
    /** URL users and platforms reach this server at (OAuth callbacks, docs links). Defaults to http://host:port. */
    publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** `sqlite:<path>` (default, embedded) or `postgres://…`. */
    databaseUrl: Type.String({ default: 'sqlite:./data/pinion.db', pattern: '^(sqlite:|postgres(ql)?://)' }),
    /**
     * PostgreSQL: the publish path's statements go as named prepared statements, parsed and planned once per
     * connection. Turn off behind a pooler that keeps no prepared statements (PgBouncer in transaction mode before 1.21).
     */
    databasePreparedStatements: Type.Boolean({ default: true }),
    mediaDir: Type.String({ default: './data/media', minLength: 1 }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info' },
    ),
    /** Largest request body accepted, in bytes; larger bodies get 413. */
    bodyLimitBytes: Type.Integer({ default: 1_048_576, minimum: 1024, maximum: 1_073_741_824 }),
    /** Mount every platform's sandbox emulator at /sandbox/<platform> and point the connectors at them. */
    sandbox: Type.Boolean({ default: false }),
    /** When set, GET /metrics answers only `Authorization: Bearer <metricsToken>` (Prometheus `bearer_token`). */
    metricsToken: Type.Optional(Type.String({ minLength: 16 })),
    /** Requests each API key may make per minute to /api/v1 (per server process); 0: no limit. */
    rateLimitPerMinute: Type.Integer({ default: 1200, minimum: 0 }),
    /**
     * Keys that encrypt platform tokens at rest, as `id:base64(32 bytes)`. The first encrypts;
     * all decrypt, so a key can be rotated in by putting it first.
     */
    encryptionKeys: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]{43,44}$' }), { default: [] }),
    accounts: Type.Object(
      {
        /** Refresh an access token this long before it expires. */
        refreshMarginSeconds: Type.Integer({ default: 900, minimum: 0 }),
        /** The background pass refreshes idle accounts whose refresh token dies within this window. */
        idleRefreshWindowSeconds: Type.Integer({ default: 7 * 24 * 3600, minimum: 60 }),
        /** How long a connect link (its OAuth state) stays valid. */
        connectTtlSeconds: Type.Integer({ default: 900, minimum: 30, maximum: 86_400 }),
      },
      { default: {}, additionalProperties: false },
    ),
    scheduler: Type.Object(
      {
        /** How often an idle worker looks for due deliveries (a post made through this process wakes it at once). */
        pollIntervalMs: Type.Integer({ default: 1000, minimum: 10 }),
        /** Deliveries one worker publishes at once. */
        concurrency: Type.Integer({ default: 8, minimum: 1, maximum: 256 }),
        /** A claimed delivery is the worker's for this long, renewed while it works; a crashed worker's lease runs out. */
        leaseSeconds: Type.Number({ default: 60, minimum: 0.5 }),
        maxAttempts: Type.Integer({ default: 8, minimum: 1 }),
        /** First retry delay; each further retry doubles it, with jitter, up to retryMaxSeconds. */
        retryBaseSeconds: Type.Number({ default: 30, minimum: 0.01 }),
        retryMaxSeconds: Type.Number({ default: 3600, minimum: 0.01 }),
        /**
         * An attempt got no answer and the platform cannot be searched for its result for this long:
         * the delivery fails (kind unknown_outcome) for a person to check, rather than wait forever.
         */
        unknownOutcomeGiveUpSeconds: Type.Number({ default: 86_400, minimum: 0.1 }),
      },
      { default: {}, additionalProperties: false },
    ),
    media: Type.Object(
      {
        /** Largest image stored. Files go under `mediaDir`. */
        maxImageBytes: Type.Integer({ default: 20 * 1024 * 1024, minimum: 1024 }),
        /** Largest video stored; uploads stream to disk, never into memory. */
        maxVideoBytes: Type.Integer({ default: 2 * 1024 * 1024 * 1024, minimum: 1024 }),
        /** Largest file fetched from a media_url (held in memory while probed; upload larger videos instead). */
        fetchMaxBytes: Type.Integer({ default: 100 * 1024 * 1024, minimum: 1024 }),
        fetchTimeoutMs: Type.Integer({ default: 15_000, minimum: 100 }),
        /** `host` or `host:port` a media_url may reach even though private (an internal CDN). The sandbox adds itself. */
        fetchAllowHosts: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
        /** Images with more pixels are refused from their header, never decoded (a 1 MB PNG can be 16000×16000). */
        maxInputPixels: Type.Integer({ default: 50_000_000, minimum: 1, maximum: 268_402_689 }),
        /**
         * Check the media URLs a post names: when the post is made, only what needs no request (the URL, private
         * addresses, a recent probe of the same URL); the fetch and decode in the background preflight soon after,
         * and again a day before the post is due, so a broken image marks the delivery needs_attention before its time.
         */
        checkPostUrls: Type.Boolean({ default: true }),
        /** How long a media URL's probe judges new posts naming it without a request (revalidated with ETag/Last-Modified after). */
        probeCacheSeconds: Type.Integer({ default: 600, minimum: 0 }),
        /** How many media URLs' probes are kept in memory (least recently used go first). */
        probeCacheEntries: Type.Integer({ default: 5_000, minimum: 1 }),
        /** How long a presigned upload URL stays valid. */
        presignTtlSeconds: Type.Integer({ default: 900, minimum: 30, maximum: 7 * 86_400 }),
        /** `local`: content-addressed files under mediaDir. `s3`: an S3-compatible bucket (settings below). */
        store: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local' }),
        s3: Type.Object(
          {
            /** For S3-compatible services (MinIO, R2, …); omit for AWS. */
            endpoint: Type.Optional(Type.String({ pattern: '^https?://' })),
            bucket: Type.Optional(Type.String({ minLength: 1 })),
            region: Type.String({ default: 'us-east-1', minLength: 1 }),
            accessKeyId: Type.Optional(Type.String({ minLength: 1 })),
            secretAccessKey: Type.Optional(Type.String({ minLength: 1 })),
            forcePathStyle: Type.Boolean({ default: true }),
            prefix: Type.String({ default: '' }),
          },
          { default: {}, additionalProperties: false },
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    webhooks: Type.Object(
      {
        /**
         * `host` or `host:port` a webhook may be sent to even though private (a receiver on this
         * machine or network). Others must resolve to public addresses. `pinion start` adds loopback.
         */
        allowHosts: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
        /** Events, their deliveries and attempt log are kept this long (pending deliveries until they end). */
        retentionDays: Type.Integer({ default: 30, minimum: 1 }),
      },
      { default: {}, additionalProperties: false },
    ),
    links: Type.Object(
      {
        /** Check a post's destination link when it is made and validated (status, redirects, rich previews). */
        checkPostLinks: Type.Boolean({ default: true }),
        /** A destination's check is reused this long. */
        cacheSeconds: Type.Integer({ default: 600, minimum: 0 }),
        timeoutMs: Type.Integer({ default: 10_000, minimum: 100 }),
        /** Pages are read up to this many bytes. */
        maxBytes: Type.Integer({ default: 2 * 1024 * 1024, minimum: 1024 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** An OpenAI-compatible chat endpoint that improves title/description suggestions; its key is read from PINION_LLM_API_KEY. */
    llm: Type.Object(
      {
        baseUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
        model: Type.Optional(Type.String({ minLength: 1 })),
        timeoutMs: Type.Integer({ default: 15_000, minimum: 100 }),
      },
      { default: {}, additionalProperties: false },
    ),
    analytics: Type.Object(
      {
        /** Metric reads per pass, so reading analytics leaves the platform's read budget to everything else. */
        readsPerPass: Type.Integer({ default: 20, minimum: 1 }),
        idleIntervalSeconds: Type.Number({ default: 300, minimum: 0.01 }),
      },
      { default: {}, additionalProperties: false },
    ),
    /** Per platform, the same shape for every one: `platforms.<id>.clientId`, `.apiBaseUrl`, … */
    platforms: Type.Object(Object.fromEntries(CONNECTORS.map((c) => [c.facts.id, platformSettings(c)])), { default: {}, additionalProperties: false }),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** Environment variables and the config path each one sets. */
export const ENV_VARS: Record<string, string> = {
  PINION_HOST: 'host',
  PINION_PORT: 'port',
  PINION_PUBLIC_URL: 'publicUrl',
  DATABASE_URL: 'databaseUrl',
  PINION_DATABASE_PREPARED_STATEMENTS: 'databasePreparedStatements',
  PINION_MEDIA_DIR: 'mediaDir',
  PINION_LOG_LEVEL: 'logLevel',
  PINION_BODY_LIMIT: 'bodyLimitBytes',
  PINION_SANDBOX: 'sandbox',
  PINION_METRICS_TOKEN: 'metricsToken',
  PINION_RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  PINION_ENCRYPTION_KEYS: 'encryptionKeys',
  PINION_TOKEN_REFRESH_MARGIN: 'accounts.refreshMarginSeconds',
  PINION_WORKER_CONCURRENCY: 'scheduler.concurrency',
  PINION_MEDIA_MAX_IMAGE_BYTES: 'media.maxImageBytes',
  PINION_MEDIA_MAX_VIDEO_BYTES: 'media.maxVideoBytes',
  PINION_MEDIA_FETCH_MAX_BYTES: 'media.fetchMaxBytes',
  PINION_MEDIA_FETCH_TIMEOUT_MS: 'media.fetchTimeoutMs',
  PINION_MEDIA_FETCH_ALLOW_HOSTS: 'media.fetchAllowHosts',
  PINION_MEDIA_MAX_INPUT_PIXELS: 'media.maxInputPixels',
  PINION_WEBHOOK_ALLOW_HOSTS: 'webhooks.allowHosts',
  PINION_MEDIA_PRESIGN_TTL: 'media.presignTtlSeconds',
  PINION_MEDIA_STORE: 'media.store',
  PINION_S3_ENDPOINT: 'media.s3.endpoint',
  PINION_S3_BUCKET: 'media.s3.bucket',
  PINION_S3_REGION: 'media.s3.region',
  PINION_S3_ACCESS_KEY_ID: 'media.s3.accessKeyId',
  PINION_S3_SECRET_ACCESS_KEY: 'media.s3.secretAccessKey',
  PINION_S3_FORCE_PATH_STYLE: 'media.s3.forcePathStyle',
  PINION_S3_PREFIX: 'media.s3.prefix',
  PINION_LINK_CHECK: 'links.checkPostLinks',
  PINION_LINK_CACHE_SECONDS: 'links.cacheSeconds',
  PINION_LLM_BASE_URL: 'llm.baseUrl',
  PINION_LLM_MODEL: 'llm.model',
  ...platformEnvVars(),
};

/** Per platform: `PINION_<ID>_CLIENT_ID` etc.; the older names a connector lists in `legacyEnv` keep working. */
function platformEnvVars(): Record<string, string> {
  const out: Record<string, string> = {};
  const settings: Array<[string, string]> = [
    ['CLIENT_ID', 'clientId'],
    ['CLIENT_SECRET', 'clientSecret'],
    ['API_BASE_URL', 'apiBaseUrl'],
    ['AUTHORIZE_URL', 'authorizeUrl'],
    ['TIMEOUT_MS', 'timeoutMs'],
    ['WRITE_BUDGET_LIMIT', 'writeBudget.limit'],
    ['WRITE_BUDGET_WINDOW_SECONDS', 'writeBudget.windowSeconds'],
    ['WRITE_BUDGET_PER_DAY', 'writeBudget.perDay'],
    ['OUTCOME_WINDOW_SECONDS', 'outcomeWindowSeconds'],
  ];
  for (const c of CONNECTORS) {
    const id = c.facts.id;
    const upper = id.toUpperCase();
    for (const [suffix, path] of settings) out[`PINION_${upper}_${suffix}`] = `platforms.${id}.${path}`;
    if (c.facts.quota) out[`PINION_${upper}_QUOTA_UNITS_PER_DAY`] = `platforms.${id}.quota.unitsPerDay`;
    for (const [legacy, path] of Object.entries(c.legacyEnv ?? {})) out[legacy] = `platforms.${id}.${path}`;
  }
  return out;
}
