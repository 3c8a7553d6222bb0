import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { PLATFORM_IDS } from '../connectors/index.js';
import { ConfigSchema, ENV_VARS, type Config } from './schema.js';

/** Settings that are lists; in the environment they are written comma-separated. */
const LIST_PATHS = new Set(['encryptionKeys', 'media.fetchAllowHosts', 'webhooks.allowHosts']);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigInput {
  env?: NodeJS.ProcessEnv;
  /** Path of a JSON config file; defaults to $PINION_CONFIG, then ./pinion.config.json if present. */
  file?: string;
  /** Highest precedence: values from CLI flags or code, as dotted paths (`platforms.<id>.clientId`). */
  overrides?: Record<string, unknown>;
}

/** Defaults < config file < environment < overrides. Fails with every problem listed, not just the first. */
export function loadConfig(input: LoadConfigInput = {}): Config {
  const env = input.env ?? process.env;
  const raw: Record<string, unknown> = {};
  const sourceOf = new Map<string, string>();

  const filePath = input.file ?? env.PINION_CONFIG ?? (existsSync('pinion.config.json') ? 'pinion.config.json' : undefined);
  if (filePath) {
    const abs = resolve(filePath);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(abs, 'utf8'));
    } catch (err) {
      throw new ConfigError([`config file ${abs}: ${(err as Error).message}`]);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError([`config file ${abs}: must contain a JSON object`]);
    }
    const moved: string[] = [];
    for (const [k, v] of Object.entries(flatten(parsed as Record<string, unknown>))) {
      // Platform settings used to sit at the top level; say where they went rather than "unknown setting".
      if (PLATFORM_IDS.includes(k.split('.')[0]!)) {
        moved.push(`config file ${abs}: "${k}" moved to "platforms.${k}"`);
        continue;
      }
      setPath(raw, k, v);
      sourceOf.set(k, `config file ${abs}`);
    }
    if (moved.length) throw new ConfigError(moved);
  }
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(
      raw,
      path,
      LIST_PATHS.has(path)
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : value,
    );
    sourceOf.set(path, `environment variable ${name}`);
  }
  for (const [path, value] of Object.entries(input.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(raw, path, value);
    sourceOf.set(path, `option ${path}`);
  }

  // Env values are strings; Convert turns "8080" into 8080 and "true" into true before checking.
  const candidate = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const problems = [...Value.Errors(ConfigSchema, candidate)].map((e) => {
    const path = e.path.replace(/^\//, '').replaceAll('/', '.');
    const source = sourceOf.get(path);
    const got = e.value === undefined ? '' : ` (got ${JSON.stringify(e.value)})`;
    const what = e.type === ValueErrorType.ObjectAdditionalProperties ? 'unknown setting' : e.message;
    return `${path || '(root)'}: ${what}${got}${source ? ` from ${source}` : ''}`;
  });
  if (problems.length) throw new ConfigError(problems);
  return candidate as Config;
}

export function publicUrlOf(config: Config, boundPort?: number): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort ?? config.port}`;
}

function flatten(obj: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
