export { openStore, redactUrl, type Store, type Dialect, type OpenStoreOptions } from './open.js';
export { migrateToLatest, pendingMigrations } from './migrations/index.js';
export { newId } from './ids.js';
export type { Database, WebhookFormat } from './schema.js';
export { inGroupCommit } from './group-commit.js';
export { ReadCache, READ_CACHE_TTL_MS } from './read-cache.js';
export { insertRows, reusable } from './compiled.js';
export { literalLimit, preparedOnPostgres } from './prepared.js';
