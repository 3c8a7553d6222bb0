import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPinion, type TestPinion } from '../helpers/pinion.js';
import { pinterestAccount } from '../helpers/posts.js';
import { pinion } from '../helpers/cli.js';

const PE_CLI = fileURLToPath(new URL('../../node_modules/@posteverywhere/sdk/dist/cli.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./fetch-preload.mjs', import.meta.url));

/** Runs PostEverywhere's CLI, answering each of its prompts when it is asked (it reads one line per prompt). */
function peCli(args: string[], answers: Array<[RegExp, string]>, env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PRELOAD, PE_CLI, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    const pending = [...answers];
    child.stdout.on('data', (d) => {
      stdout += d;
      while (pending.length && pending[0]![0].test(stdout)) {
        child.stdin.write(`${pending.shift()![1]}\n`);
        // After the last answer: stdin ends, as a terminal's would, so the CLI can exit.
        if (!pending.length) child.stdin.end();
      }
    });
    child.stderr.on('data', (d) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('PostEverywhere’s CLI against Pinion', { timeout: 120_000 }, () => {
  let p: TestPinion;
  beforeAll(async () => {
    p = await startTestPinion({ sandbox: {} });
    await pinterestAccount(p);
  });
  afterAll(async () => p?.close());

  it('verifies a key made by `pinion keys create --format posteverywhere` and saves it to .env', async () => {
    const made = await pinion(['keys', 'create', '--workspace', 'default', '--name', 'pe-cli', '--format', 'posteverywhere', '--json'], {
      DATABASE_URL: p.config.databaseUrl,
      PINION_CONFIG: '',
    });
    expect(made.code, made.stderr).toBe(0);
    const { key, id } = JSON.parse(made.stdout) as { key: string; id: string };
    expect(key).toMatch(/^pe_live_/);
    const listed = await pinion(['keys', 'list', '--workspace', 'default', '--json'], { DATABASE_URL: p.config.databaseUrl, PINION_CONFIG: '' });
    expect(JSON.parse(listed.stdout)).toContainEqual(expect.objectContaining({ id, prefix: key.slice(0, 16) }));
    const wrong = await pinion(['keys', 'create', '--format', 'other'], { DATABASE_URL: p.config.databaseUrl, PINION_CONFIG: '' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--format must be one of: pinion, posteverywhere');

    // The CLI opens pages with xdg-open: a stand-in that only notes the URL, so no browser starts.
    const dir = mkdtempSync(join(tmpdir(), 'pe-cli-'));
    const opened = join(dir, 'opened.txt');
    writeFileSync(join(dir, 'xdg-open'), `#!/bin/sh\necho "$1" >> ${opened}\n`);
    chmodSync(join(dir, 'xdg-open'), 0o755);
    const env = { PE_COMPAT_URL: `${p.url}/compat/posteverywhere`, PATH: `${dir}:${process.env.PATH}` };
    const run = await peCli(
      ['init'],
      [
        [/Do you have a PostEverywhere account\? \(y\/n\): $/, 'y'],
        [/Paste your API key \(pe_live_\.\.\.\): $/, key],
        [/Save API key to \.env file\? \(y\/n\): $/, 'y'],
      ],
      env,
      dir,
    );
    expect(run.stdout).toContain('Connected! 1 social account found.');
    expect(run.code, run.stdout).toBe(0);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toBe(`POSTEVERYWHERE_API_KEY=${key}\n`);
    expect(readFileSync(opened, 'utf8')).toBe('https://app.posteverywhere.ai/developers\n'); // the stand-in, not a browser

    const refused = await peCli(
      ['init'],
      [
        [/\(y\/n\): $/, 'y'],
        [/Paste your API key/, 'pe_live_revoked-or-made-up'],
      ],
      env,
      dir,
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('API key verification failed');
  });
});
