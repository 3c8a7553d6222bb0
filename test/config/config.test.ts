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
    expect(c).toMatchObject({ port: 8080, databaseUrl: 'sqlite:./data/pinion.db', databasePreparedStatements: true, sandbox: false });
    expect(c.platforms.pinterest!.apiBaseUrl).toBe('https://api.pinterest.com');
  });

  it('takes a config file, overridden by the environment, overridden by options', () => {
    const path = file(JSON.stringify({ port: 9000, host: '0.0.0.0', platforms: { pinterest: { clientId: 'from-file', clientSecret: 'file-secret' } } }));
    const c = loadConfig({
      env: { PINION_PORT: '9100', PINION_PINTEREST_CLIENT_ID: 'from-env', PINION_SANDBOX: 'true' },
      file: path,
      overrides: { port: 9200 },
    });
    expect(c.port).toBe(9200);
    expect(c.host).toBe('0.0.0.0');
    expect(c.sandbox).toBe(true);
    expect(c.platforms.pinterest!.clientId).toBe('from-env');
    expect(c.platforms.pinterest!.clientSecret).toBe('file-secret');
  });

  it('turns PostgreSQL prepared statements off from the environment, for a pooler that keeps none', () => {
    expect(loadConfig({ env: { PINION_DATABASE_PREPARED_STATEMENTS: 'false' } }).databasePreparedStatements).toBe(false);
  });

  it('reads every platform in one shape, and still takes the older Pinterest names', () => {
    const c = loadConfig({ env: { PINTEREST_CLIENT_ID: 'old-name', PINTEREST_WRITE_BUDGET_PER_MINUTE: '30', PINION_PINTEREST_OUTCOME_WINDOW_SECONDS: '900' } });
    expect(c.platforms.pinterest).toMatchObject({ clientId: 'old-name', writeBudget: { limit: 30 }, outcomeWindowSeconds: 900 });
  });

  it('says where a platform setting moved when a config file uses the old place', () => {
    const path = file(JSON.stringify({ pinterest: { clientId: 'x' } }));
    expect(() => loadConfig({ env: {}, file: path })).toThrow(/"pinterest.clientId" moved to "platforms.pinterest.clientId"/);
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
