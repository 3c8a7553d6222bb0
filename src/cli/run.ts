import pino from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config/index.js';
import { createLogger } from '../observability/index.js';
import { migrateToLatest, openStore } from '../store/index.js';
import { ensureWorkspace } from '../workspaces/index.js';
import { localStateDir, startKey } from './local-state.js';
import { print, type Output } from './output.js';
import { sandboxPrefix, startPinion } from './instance.js';
import { CONNECTORS } from '../connectors/index.js';

type LongCommand = 'start' | 'serve' | 'worker' | 'migrate' | 'sandbox';

/**
 * Logs go to stderr so that stdout carries only what the command answers (URLs, keys, JSON): one line of
 * text per event for a person at a terminal, JSON lines for anything else (a log collector, a file).
 */
const stderrLogger = (config: Config) =>
  createLogger(
    config.logLevel,
    process.stderr.isTTY
      ? pretty({ destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' })
      : pino.destination({ fd: 2, sync: false }),
  );

export async function runCommand(command: LongCommand, config: Config, opts: { withWorker: boolean; out: Output }): Promise<void> {
  const { out } = opts;
  if (command === 'migrate') {
    const store = openStore(config.databaseUrl, { preparedStatements: config.databasePreparedStatements });
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
    const running = await serveSandboxes(config);
    const apps = Object.fromEntries(
      CONNECTORS.filter((c) => c.sandbox).map((c) => [c.facts.id, { client_id: c.sandbox!.app.clientId, client_secret: c.sandbox!.app.clientSecret }]),
    );
    // `client_id`/`client_secret` at the top are the first platform's, as before there were several.
    const first = Object.values(apps)[0]!;
    print(out, { url: running.url, sandboxes: running.sandboxes, apps, ...first }, () =>
      [
        `Platform sandboxes listening on ${running.url}`,
        ...Object.entries(running.sandboxes).map(
          ([platform, url]) => `  ${platform.padEnd(10)} ${url}  app client_id=${apps[platform]!.client_id} client_secret=${apps[platform]!.client_secret}`,
        ),
        'Each has its inspection routes under <url>/_sandbox/ and its OpenAPI document at <url>/openapi.json.',
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
    sandboxStateDir: command === 'start' ? localStateDir(config) : undefined,
  });

  if (command === 'start') {
    const { workspace } = await ensureWorkspace(instance.store.db, 'default');
    const { key, id: keyId, reused } = await startKey(instance.store.db, workspace.id, localStateDir(config));
    const u = instance.url;
    const sandboxes = Object.fromEntries([...instance.sandboxes.keys()].map((p) => [p, `${u}${sandboxPrefix(p)}`]));
    print(
      out,
      {
        dashboard: `${u}/`,
        api: `${u}/api/v1`,
        docs: `${u}/docs`,
        openapi: `${u}/openapi.json`,
        sandboxes,
        api_key: key,
        api_key_id: keyId,
        workspace: workspace.name,
      },
      () =>
        [
          `Pinion is running: ${instance.store.displayUrl}, media in ${config.mediaDir}, API and worker in this process${instance.sandboxes.size ? ', platform sandboxes' : ''}.`,
          '',
          `  Dashboard: ${u}/  (sign in with the API key below)`,
          `  API:       ${u}/api/v1`,
          `  Docs:      ${u}/docs`,
          `  OpenAPI:   ${u}/openapi.json`,
          ...Object.entries(sandboxes).map(([p, url]) => `  Sandbox:   ${url}  (${p} emulator)`),
          `  API key:   ${key}`,
          `             (id ${keyId}, workspace "${workspace.name}"; ${reused ? 'the same as at the last start' : 'new'}, kept in ${localStateDir(config)}/start-key.json for the next start)`,
          '',
          `Try:  curl -H "Authorization: Bearer ${key}" ${u}/api/v1/workspace`,
          'Stop with Ctrl-C.',
        ].join('\n'),
    );
  } else {
    print(out, { url: instance.url, worker: Boolean(instance.worker), api: Boolean(instance.app) }, () =>
      instance.app
        ? `Pinion API listening on ${instance.url}${instance.worker ? ' (with worker)' : ''}`
        : `Pinion worker running (${instance.store.displayUrl})`,
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

/** Every platform's emulator on one port, each under /sandbox/<platform>: what `pinion sandbox` serves. */
async function serveSandboxes(config: Config): Promise<{ url: string; sandboxes: Record<string, string>; close(): Promise<void> }> {
  const { default: Fastify } = await import('fastify');
  // Never log request headers: they carry bearer tokens and client secrets.
  const app = Fastify({ logger: false });
  const mounted: string[] = [];
  // Emulators fetch media from public addresses only, plus media.fetchAllowHosts and what they serve themselves.
  const self: string[] = [];
  for (const c of CONNECTORS) {
    if (!c.sandbox) continue;
    const emulator = (await c.sandbox.load()).create({ fetchAllowHosts: () => [...config.media.fetchAllowHosts, ...self] });
    await app.register(emulator.plugin, { prefix: sandboxPrefix(c.facts.id) });
    mounted.push(c.facts.id);
  }
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  self.push(new URL(url).host);
  return { url, sandboxes: Object.fromEntries(mounted.map((p) => [p, `${url}${sandboxPrefix(p)}`])), close: () => app.close() };
}
