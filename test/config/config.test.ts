import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'pinion-cfg-')), 'pinion.config.json');
  writeFileSync(path, content);
  return path;
};

describe('configuration', () => {
  it('defaults to the embedded store and Pinterest production URLs', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'sqlite:./data/pinion.db', sandbox: false });
    expect(c.pinterest.apiBaseUrl).toBe('https://api.pinterest.com');
  });

  it('takes a config file, overridden by the environment, overridden by options', () => {
    const path = file(JSON.stringify({ port: 9000, host: '0.0.0.0', pinterest: { clientId: 'from-file' } }));
    const c = loadConfig({ env: { PINION_PORT: '9100', PINTEREST_CLIENT_ID: 'from-env', PINION_SANDBOX: 'true' }, file: path, overrides: { port: 9200 } });
    expect(c.port).toBe(9200);
    expect(c.host).toBe('0.0.0.0');
    expect(c.sandbox).toBe(true);
    expect(c.pinterest.clientId).toBe('from-env');
  });

  it('lists every problem with where the bad value came from', () => {
    const path = file(JSON.stringify({ prot: 1, logLevel: 'loud' }));
    let error: ConfigError | undefined;
    try {
      loadConfig({ env: { PINION_PORT: 'eighty', DATABASE_URL: 'mysql://x' }, file: path });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.message;
    expect(text).toMatch(/port: .*"eighty".*environment variable PINION_PORT/);
    expect(text).toMatch(/databaseUrl: .*"mysql:\/\/x".*DATABASE_URL/);
    expect(text).toMatch(/logLevel: .*"loud".*config file/);
    expect(text).toMatch(/prot: unknown setting/);
  });

  it('rejects a config file that is not JSON', () => {
    expect(() => loadConfig({ env: {}, file: file('port = 1') })).toThrow(/config file .*JSON/);
  });
});
