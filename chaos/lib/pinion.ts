import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generateKeySpec } from '../../src/accounts/index.js';
import { startPinion, type PinionInstance } from '../../src/cli/instance.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/index.js';
import { DEFAULT_APP } from '../../src/sandbox/pinterest/index.js';
import { API_SCOPES, createApiKey, ensureWorkspace } from '../../src/workspaces/index.js';
import { connectThroughSandbox } from '../../test/helpers/sandbox-connect.js';
import type { ChaosSettings } from './settings.js';

export interface ChaosPinion {
  url: string;
  /** The environment a `pinion worker` of this run is started with. */
  workerEnv: NodeJS.ProcessEnv;
  /** Warnings and errors the API process logged. */
  logs: string[];
  /** 5xx answers the API gave of its own (never expected): request and answer. */
  apiErrors: string[];
  /** 5xx answers that pass on a platform's failure (a board looked up while the sandbox failed): honest answers. */
  platformErrors: number;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Pinion's API in this process, pointed at the standalone sandbox through the same environment
 * variables the workers get (the Pinterest names every deployment uses), with the scheduler
 * settings in a config file. It runs no worker: every post is published by `pinion worker` processes.
 */
export async function startChaosPinion(opts: { dir: string; databaseUrl: string; sandboxUrl: string; settings: ChaosSettings }): Promise<ChaosPinion> {
  const configFile = join(opts.dir, 'pinion.config.json');
  writeFileSync(configFile, JSON.stringify({ scheduler: opts.settings.scheduler }, null, 2));
  const workerEnv: NodeJS.ProcessEnv = {
    PINION_CONFIG: configFile,
    DATABASE_URL: opts.databaseUrl,
    PINION_ENCRYPTION_KEYS: generateKeySpec('chaos'),
    PINION_MEDIA_DIR: join(opts.dir, 'media'),
    PINION_LOG_LEVEL: 'warn',
    PINTEREST_API_BASE_URL: opts.sandboxUrl,
    PINTEREST_AUTHORIZE_URL: `${opts.sandboxUrl}/oauth/`,
    PINTEREST_CLIENT_ID: DEFAULT_APP.clientId,
    PINTEREST_CLIENT_SECRET: DEFAULT_APP.clientSecret,
    PINTEREST_WRITE_BUDGET_PER_MINUTE: String(opts.settings.writeBudgetPerMinute),
    // This sandbox commits every write at once and its lists lag writes by 2 s: a 5 s window covers both, where
    // production's default (10 min, for Pinterest's slowest commit) would outlast the run's wait for settling.
    PINION_PINTEREST_OUTCOME_WINDOW_SECONDS: '5',
    // Posts name images the sandbox serves on loopback; the workers' media preflight (and the publish path) fetch them.
    PINION_MEDIA_FETCH_ALLOW_HOSTS: new URL(opts.sandboxUrl).host,
  };
  const apiEnv = { ...workerEnv, PINION_HOST: '127.0.0.1', PINION_PORT: '0' };
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const instance: PinionInstance = await startPinion({
    config: loadConfig({ env: apiEnv, file: configFile }),
    api: true,
    worker: false,
    migrate: true,
    logger: createLogger('warn', sink),
    shutdownGraceMs: 2_000,
  });
  const { workspace } = await ensureWorkspace(instance.store.db, 'chaos');
  const { key } = await createApiKey(instance.store.db, { workspaceId: workspace.id, name: 'chaos', scopes: [...API_SCOPES] });
  const pinion: ChaosPinion = {
    url: instance.url,
    workerEnv,
    logs,
    apiErrors: [],
    platformErrors: 0,
    async api(method, path, body, headers = {}) {
      const res = await fetch(`${instance.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 500) {
        const text = await res.clone().text();
        if (/"type":"urn:pinion:problem:platform-/.test(text)) pinion.platformErrors++;
        else pinion.apiErrors.push(`${method} ${path} → ${res.status} ${text.slice(0, 500)}`);
      }
      return res;
    },
    close: () => instance.close(),
  };
  return pinion;
}

/** Connects a sandbox user through the real OAuth flow and makes its board; returns the account's username. */
export async function connectAccount(p: ChaosPinion, username: string, board: string): Promise<string> {
  const { callbackRes } = await connectThroughSandbox((method, path, body) => p.api(method, path, body), { username });
  if (callbackRes.status !== 200) throw new Error(`connecting ${username}: the callback answered ${callbackRes.status}: ${await callbackRes.text()}`);
  const list = (await (await p.api('GET', '/api/v1/accounts')).json()) as { data: Array<{ id: string; username: string }> };
  const account = list.data.find((a) => a.username === username);
  if (!account) throw new Error(`${username} is not among the accounts after connecting`);
  const made = await p.api('POST', `/api/v1/accounts/${account.id}/boards`, { name: board });
  if (made.status !== 201) throw new Error(`making board ${board} for ${username} answered ${made.status}: ${await made.text()}`);
  return username;
}
