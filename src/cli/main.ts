#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { generateKeySpec } from '../accounts/index.js';
import { keysCommand } from './keys.js';
import { importCommand } from './import.js';
import { linkCheckCommand, suggestCommand } from './links.js';
import { UsageError, type Output } from './output.js';
import { runCommand } from './run.js';

const USAGE = `Usage: pinion <command> [options]

Commands:
  start                 The whole product in one process on the embedded default: SQLite, local media,
                        API + worker, every platform's sandbox. Prints the URLs and a fresh API key.
  serve [--with-worker] The API server (add the worker to run both in one process)
  worker                A worker: publishes due posts and runs background passes
  migrate               Apply database migrations
  keys create [--workspace W] [--name N] [--scopes s1,s2|all]
  keys list [--workspace W]
  keys revoke <key id>
  sandbox               Every platform's emulator on its own port (default 8090), at /sandbox/<platform>
  import <file.csv>     Schedule the posts of a CSV through a running Pinion (--api-url, --key or $PINION_API_KEY)
  link-check <url>      Link preflight of a destination: status, redirects, rich previews (--api-url, --key)
  suggest (--url URL | --content TEXT) [--keywords k1,k2]
                        Title and description suggestions through a running Pinion
  encryption-key        Print a new token-encryption key for PINION_ENCRYPTION_KEYS

Options:
  --config FILE         JSON config file (also $PINION_CONFIG; ./pinion.config.json if present)
  --database-url URL    sqlite:<path> or postgres://… (also $DATABASE_URL)
  --host H, --port P    Where to listen
  --json                Machine-readable output
  -h, --help`;

const OPTIONS = {
  config: { type: 'string' },
  'database-url': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  workspace: { type: 'string' },
  name: { type: 'string' },
  scopes: { type: 'string' },
  'with-worker': { type: 'boolean' },
  json: { type: 'boolean' },
  'api-url': { type: 'string' },
  key: { type: 'string' },
  url: { type: 'string' },
  content: { type: 'string' },
  keywords: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const out: Output = { json: values.json ?? false, write: (t) => process.stdout.write(`${t}\n`) };
  const embedded = command === 'start';
  const config: Config = loadConfig({
    file: values.config,
    overrides: {
      databaseUrl: values['database-url'],
      host: values.host,
      port: values.port ?? (command === 'sandbox' && !process.env.PINION_PORT ? '8090' : undefined),
      // The embedded default runs the sandbox unless the environment or config file says otherwise.
      sandbox: embedded && process.env.PINION_SANDBOX === undefined ? true : undefined,
    },
  });

  switch (command) {
    case 'encryption-key':
      out.write(generateKeySpec());
      return;
    case 'import':
      return importCommand({ file: rest[0], apiUrl: values['api-url'], key: values.key, out });
    case 'link-check':
      return linkCheckCommand({ url: rest[0], apiUrl: values['api-url'], key: values.key, out });
    case 'suggest':
      return suggestCommand({ url: values.url, content: values.content, keywords: values.keywords, apiUrl: values['api-url'], key: values.key, out });
    case 'keys':
      return keysCommand(config, { action: rest[0], id: rest[1], workspace: values.workspace, name: values.name, scopes: values.scopes, out });
    case 'start':
    case 'serve':
    case 'worker':
    case 'migrate':
    case 'sandbox':
      return runCommand(command, config, { withWorker: values['with-worker'] ?? false, out });
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`pinion: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`pinion: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
