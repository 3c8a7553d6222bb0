#!/usr/bin/env node
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { generateKeySpec } from '../accounts/index.js';
import { ApiClient, ApiError } from './api.js';
import { accountsCommand, postsCommand, type PostsArgs } from './client-commands.js';
import { parseCommandLine } from './parse.js';
import { keysCommand } from './keys.js';
import { importCommand } from './import.js';
import { linkCheckCommand, suggestCommand } from './links.js';
import { UsageError, type Output } from './output.js';
import { runCommand } from './run.js';

async function main(argv: string[]): Promise<void> {
  const parsed = await parseCommandLine(argv);
  if ('help' in parsed) {
    process.stdout.write(`${parsed.help}\n`);
    return;
  }
  const { spec, values, rest } = parsed;
  const str = (name: string) => values[name] as string | undefined;
  const out: Output = { json: Boolean(values.json), write: (t) => process.stdout.write(`${t}\n`) };
  const [command, action] = spec.name.split(' ') as [string, string | undefined];

  if (spec.client) {
    const api = ApiClient.from({ apiUrl: str('api-url'), key: str('key') });
    switch (command) {
      case 'mcp':
        return (await import('./mcp.js')).mcpCommand(api);
      case 'import':
        return importCommand({ file: rest[0], api, out, progress: values.json ? undefined : process.stderr });
      case 'link-check':
        return linkCheckCommand({ url: rest[0], apiUrl: str('api-url'), key: str('key'), out });
      case 'suggest':
        return suggestCommand({ url: str('url'), content: str('content'), keywords: str('keywords'), apiUrl: str('api-url'), key: str('key'), out });
      case 'posts':
        return postsCommand({ action, id: rest[0], api, out, values: values as PostsArgs['values'] });
      case 'accounts': {
        const wait = Number(str('wait') ?? 600);
        if (!Number.isFinite(wait) || wait <= 0) throw new UsageError('--wait must be a number of seconds above 0');
        return accountsCommand({
          action,
          platform: rest[0],
          api,
          out,
          sandboxApprove: str('sandbox-approve'),
          waitSeconds: wait,
          say: (t) => process.stderr.write(`${t}\n`),
        });
      }
    }
  }
  if (command === 'encryption-key') return out.write(generateKeySpec());

  const config: Config = loadConfig({
    file: str('config'),
    overrides: {
      databaseUrl: str('database-url'),
      host: str('host'),
      port: str('port') ?? (command === 'sandbox' && !process.env.PINION_PORT ? '8090' : undefined),
      // The embedded default runs the sandbox unless the environment or config file says otherwise.
      sandbox: command === 'start' && process.env.PINION_SANDBOX === undefined ? true : undefined,
    },
  });
  if (command === 'keys')
    return keysCommand(config, { action, id: rest[0], workspace: str('workspace'), name: str('name'), scopes: str('scopes'), format: str('format'), out });
  return runCommand(command as 'start' | 'serve' | 'worker' | 'migrate' | 'sandbox', config, { withWorker: Boolean(values['with-worker']), out });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // A person's mistake or a refusal by the API: one message, no stack.
  if (err instanceof ConfigError || err instanceof UsageError) {
    process.stderr.write(`pinion: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof ApiError) {
    process.stderr.write(`pinion: ${err.message}\n`);
    process.exit(1);
  }
  // Anything else is a fault of Pinion's: the stack helps whoever reports it, on request.
  const e = err as Error & { code?: string };
  process.stderr.write(
    `pinion: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}\n${process.env.PINION_DEBUG ? `${e.stack}\n` : 'Set PINION_DEBUG=1 to see where it happened.\n'}`,
  );
  process.exit(1);
});
