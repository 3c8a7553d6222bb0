import { migrateToLatest, openStore } from '../store/index.js';
import {
  createApiKey,
  ensureWorkspace,
  findApiKeyById,
  findWorkspace,
  listApiKeys,
  listWorkspaces,
  parseScopes,
  revokeApiKey,
  API_SCOPES,
  KEY_PREFIXES,
  type KeyFormat,
} from '../workspaces/index.js';
import type { Config } from '../config/index.js';
import { UsageError, print, type Output } from './output.js';

export interface KeysArgs {
  action: string | undefined;
  id?: string;
  workspace?: string;
  name?: string;
  scopes?: string;
  /** pinion (pin_…) or posteverywhere (pe_live_…). */
  format?: string;
  out: Output;
}

export async function keysCommand(config: Config, args: KeysArgs): Promise<void> {
  const store = openStore(config.databaseUrl, { preparedStatements: config.databasePreparedStatements });
  try {
    await migrateToLatest(store);
    const db = store.db;
    switch (args.action) {
      case 'create': {
        const format = (args.format ?? 'pinion') as KeyFormat;
        if (!Object.hasOwn(KEY_PREFIXES, format)) throw new UsageError(`--format must be one of: ${Object.keys(KEY_PREFIXES).join(', ')}`);
        const { workspace, created } = await ensureWorkspace(db, args.workspace ?? 'default');
        const { scopes, unknown } = parseScopes(args.scopes ? [args.scopes] : ['all']);
        if (unknown.length) throw new UsageError(`Unknown scope(s): ${unknown.join(', ')}. Known: ${API_SCOPES.join(', ')}, or "all"`);
        if (!scopes.length) throw new UsageError('--scopes names no scope');
        const { key, apiKey } = await createApiKey(db, { workspaceId: workspace.id, name: args.name ?? 'cli', scopes, format });
        print(args.out, { key, id: apiKey.id, workspace: { id: workspace.id, name: workspace.name, created }, scopes: apiKey.scopes }, () =>
          [
            `API key for workspace "${workspace.name}"${created ? ' (new workspace)' : ''}: shown once, store it now.`,
            '',
            `  ${key}`,
            '',
            `id ${apiKey.id}, scopes: ${apiKey.scopes.join(' ')}`,
          ].join('\n'),
        );
        return;
      }
      case 'list': {
        const workspaces = args.workspace ? [await findWorkspace(db, args.workspace)] : await listWorkspaces(db);
        if (args.workspace && !workspaces[0]) throw new UsageError(`No workspace "${args.workspace}"`);
        const rows: Array<
          Record<string, unknown> & { id: string; prefix: string; workspace: string; name: string; scopes: string[]; revoked_at: string | null }
        > = [];
        for (const ws of workspaces) {
          for (const k of await listApiKeys(db, ws!.id)) {
            rows.push({
              id: k.id,
              workspace: ws!.name,
              name: k.name,
              prefix: k.prefix,
              scopes: k.scopes,
              created_at: k.createdAt.toISOString(),
              last_used_at: k.lastUsedAt?.toISOString() ?? null,
              revoked_at: k.revokedAt?.toISOString() ?? null,
            });
          }
        }
        print(args.out, rows, () =>
          rows.length
            ? rows
                .map((r) => `${r.id}  ${r.prefix}…  ${r.workspace}  ${r.name}  ${r.revoked_at ? `revoked ${r.revoked_at}` : 'active'}  [${r.scopes.join(' ')}]`)
                .join('\n')
            : 'No API keys. Create one with: pinion keys create --workspace default',
        );
        return;
      }
      case 'revoke': {
        if (!args.id) throw new UsageError('Usage: pinion keys revoke <key id>');
        const existing = await findApiKeyById(db, args.id);
        if (!existing) throw new UsageError(`No API key with id ${args.id}`);
        const key = (await revokeApiKey(db, existing.workspaceId, existing.id))!;
        print(args.out, { id: key.id, revoked_at: key.revokedAt!.toISOString() }, () => `Revoked ${key.id} (${key.prefix}…)`);
        return;
      }
      default:
        throw new UsageError('Usage: pinion keys create|list|revoke');
    }
  } finally {
    await store.close();
  }
}
