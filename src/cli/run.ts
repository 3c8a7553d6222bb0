import pino from 'pino';
import type { Config } from '../config/index.js';
import { createLogger } from '../observability/index.js';
import { migrateToLatest, openStore } from '../store/index.js';
import { createApiKey, ensureWorkspace, API_SCOPES } from '../workspaces/index.js';
import { print, type Output } from './output.js';
import { SANDBOX_APP, SANDBOX_PREFIX, startPinion } from './instance.js';

type LongCommand = 'start' | 'serve' | 'worker' | 'migrate' | 'sandbox';

/** Logs go to stderr so that stdout carries only what the command answers (URLs, keys, JSON). */
const stderrLogger = (config: Config) => createLogger(config.logLevel, pino.destination({ fd: 2, sync: false }));

export async function runCommand(command: LongCommand, config: Config, opts: { withWorker: boolean; out: Output }): Promise<void> {
  const { out } = opts;
  if (command === 'migrate') {
    const store = openStore(config.databaseUrl);
    try {
      const results = await migrateToLatest(store);
      const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      print(out, { database: store.displayUrl, applied }, () =>
        applied.length ? `Applied ${applied.length} migration(s) to ${store.displayUrl}: ${applied.join(', ')}` : `${store.displayUrl} is up to date`,
      );
    } finally {
      await store.close();
    }
    return;
  }

  if (command === 'sandbox') {
    const { startPinterestSandbox } = await import('../sandbox/pinterest/index.js');
    const running = await startPinterestSandbox({ host: config.host, port: config.port, apps: [{ ...SANDBOX_APP }], logger: false });
    print(out, { url: running.url, client_id: SANDBOX_APP.clientId, client_secret: SANDBOX_APP.clientSecret }, () =>
      [
        `Pinterest API v5 sandbox listening on ${running.url}`,
        `  API base:      ${running.url}/v5`,
        `  Authorize:     ${running.url}/oauth/`,
        `  Inspection:    ${running.url}/_sandbox/pins`,
        `  App:           client_id=${SANDBOX_APP.clientId} client_secret=${SANDBOX_APP.clientSecret}`,
      ].join('\n'),
    );
    await untilSignal();
    await running.close();
    return;
  }

  const log = stderrLogger(config);
  // The embedded default is a developer's own machine: webhooks to an app on localhost are the point.
  if (command === 'start') config.webhooks.allowHosts.push('localhost', '127.0.0.1', '[::1]');
  const instance = await startPinion({
    config,
    api: command !== 'worker',
    worker: command === 'worker' || command === 'start' || opts.withWorker,
    // The embedded default sets itself up; a production deployment migrates as a separate step.
    migrate: command === 'start',
    logger: log,
  });

  if (command === 'start') {
    const { workspace } = await ensureWorkspace(instance.store.db, 'default');
    const { key } = await createApiKey(instance.store.db, { workspaceId: workspace.id, name: `start ${new Date().toISOString()}`, scopes: [...API_SCOPES] });
    const u = instance.url;
    print(out, { api: `${u}/api/v1`, docs: `${u}/docs`, openapi: `${u}/openapi.json`, sandbox: `${u}${SANDBOX_PREFIX}`, api_key: key, workspace: workspace.name }, () =>
      [
        `Pinion is running: ${instance.store.displayUrl}, media in ${config.mediaDir}, API and worker in this process${instance.sandbox ? ', Pinterest sandbox' : ''}.`,
        '',
        `  API:       ${u}/api/v1`,
        `  Docs:      ${u}/docs`,
        `  OpenAPI:   ${u}/openapi.json`,
        ...(instance.sandbox ? [`  Sandbox:   ${u}${SANDBOX_PREFIX}  (Pinterest API v5 emulator)`] : []),
        `  API key:   ${key}`,
        `             (workspace "${workspace.name}"; new at every start, shown once; revoke with: npm run pinion -- keys revoke <id>)`,
        '',
        `Try:  curl -H "Authorization: Bearer ${key}" ${u}/api/v1/workspace`,
        'Stop with Ctrl-C.',
      ].join('\n'),
    );
  } else {
    print(out, { url: instance.url, worker: Boolean(instance.worker), api: Boolean(instance.app) }, () =>
      instance.app ? `Pinion API listening on ${instance.url}${instance.worker ? ' (with worker)' : ''}` : `Pinion worker running (${instance.store.displayUrl})`,
    );
  }
  await untilSignal();
  log.info('shutting down');
  await instance.close();
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
