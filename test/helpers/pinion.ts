import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/index.js';
import { generateKeySpec } from '../../src/accounts/index.js';
import { startPinion, type PinionInstance } from '../../src/cli/instance.js';
import type { Dialect } from '../../src/store/index.js';
import type { Clock } from '../../src/shared/index.js';
import type { PinterestSandbox, PinterestSandboxOptions } from '../../src/sandbox/pinterest/index.js';
import { API_SCOPES, createApiKey, ensureWorkspace, type ApiScope } from '../../src/workspaces/index.js';
import { freshDatabaseUrl } from './stores.js';

export interface TestPinion extends PinionInstance {
  /** The embedded Pinterest emulator (with the sandbox on). */
  sandbox?: PinterestSandbox;
  /** An all-scopes key of workspace "default". */
  apiKey: string;
  /** Every log line the instance wrote, to check that no secret leaks. */
  logs: string[];
  newKey(workspace: string, scopes?: ApiScope[]): Promise<string>;
  api(method: string, path: string, init?: { body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<Response>;
}

/** A real Pinion on a free port with a fresh database, as a user would run it. */
export async function startTestPinion(
  opts: {
    dialect?: Dialect;
    config?: Partial<Config>;
    worker?: boolean;
    migrate?: boolean;
    sandbox?: PinterestSandboxOptions;
    sandboxes?: Record<string, Record<string, unknown>>;
    clock?: Clock;
  } = {},
): Promise<TestPinion> {
  const database = await freshDatabaseUrl(opts.dialect ?? 'sqlite');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const defaults = loadConfig({ env: {}, file: undefined });
  const config: Config = {
    ...defaults,
    port: 0,
    databaseUrl: database.url,
    // Each instance its own media folder: content-addressed files of one test must not be another's.
    mediaDir: mkdtempSync(join(tmpdir(), 'pinion-media-')),
    // Tests serve their images from loopback servers; the refusal of private addresses is tested with its own config.
    media: { ...defaults.media, fetchAllowHosts: ['127.0.0.1'] },
    webhooks: { ...defaults.webhooks, allowHosts: ['127.0.0.1'] },
    // Destination links in tests are mostly made up (example.com): link preflight is on where a test asks for it.
    links: { ...defaults.links, checkPostLinks: false },
    logLevel: 'debug',
    encryptionKeys: [generateKeySpec('test')],
    // Tests poll the API fast; the limit per key is tested where a test sets it.
    rateLimitPerMinute: 0,
    ...opts.config,
  };
  const instance = await startPinion({
    config: { ...config, sandbox: config.sandbox || opts.sandbox !== undefined || opts.sandboxes !== undefined },
    api: true,
    worker: opts.worker ?? false,
    migrate: opts.migrate ?? true,
    logger: createLogger('debug', sink),
    // Each platform's emulator options by platform id; `sandbox` is Pinterest's, the first platform's, for brevity.
    // Pinterest's lists lag writes by default as production's do; tests see lists at once unless they ask for lag.
    sandboxOptions: { ...opts.sandboxes, pinterest: { listLagMs: 0, ...opts.sandboxes?.pinterest, ...opts.sandbox } },
    clock: opts.clock,
    shutdownGraceMs: 200,
  });
  const newKey = async (workspace: string, scopes: ApiScope[] = [...API_SCOPES]) => {
    const { workspace: ws } = await ensureWorkspace(instance.store.db, workspace);
    return (await createApiKey(instance.store.db, { workspaceId: ws.id, name: 'test', scopes })).key;
  };
  const apiKey = opts.migrate === false ? '' : await newKey('default');
  return {
    ...instance,
    sandbox: instance.sandboxes.get('pinterest') as PinterestSandbox | undefined,
    apiKey,
    logs,
    newKey,
    async api(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      const key = init.key === undefined ? apiKey : init.key;
      if (key) headers.authorization = `Bearer ${key}`;
      if (init.body !== undefined) headers['content-type'] ??= 'application/json';
      return fetch(`${instance.url}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      });
    },
    async close() {
      await instance.close();
      await database.drop();
    },
  };
}
