import { describe, expect, it } from 'vitest';
import { commandHelp, COMMANDS, overallHelp } from '../../src/cli/commands.js';
import { parseCommandLine } from '../../src/cli/parse.js';
import { UsageError } from '../../src/cli/output.js';

const spec = (name: string) => COMMANDS.find((c) => c.name === name)!;
const refused = async (argv: string[]) => {
  const err = await parseCommandLine(argv).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UsageError);
  return (err as Error).message;
};

describe('reading a pinion command line', () => {
  it('names the command of the table and its values by the names there, repeated options as a list', async () => {
    const parsed = await parseCommandLine([
      'posts',
      'create',
      '--platform',
      'x',
      '--content',
      'Hi --there',
      '--platform',
      'pinterest',
      '--option',
      'pinterest.board=Shop',
      '--json',
      '--body=-',
    ]);
    expect(parsed).toMatchObject({
      spec: spec('posts create'),
      rest: [],
      values: { platform: ['x', 'pinterest'], content: 'Hi --there', option: ['pinterest.board=Shop'], json: true, body: '-', at: undefined },
    });
    expect(await parseCommandLine(['keys', 'revoke', 'key_1'])).toMatchObject({ spec: spec('keys revoke'), rest: ['key_1'] });
    expect(await parseCommandLine(['serve', '--with-worker', '--port', '0'])).toMatchObject({ values: { 'with-worker': true, port: '0' } });
  });

  it('answers each command its own help, a group its commands, and no command the list', async () => {
    expect(await parseCommandLine(['import', '--help'])).toEqual({ help: commandHelp(spec('import')) });
    expect(await parseCommandLine(['help', 'accounts', 'connect'])).toEqual({ help: commandHelp(spec('accounts connect')) });
    expect(await parseCommandLine(['posts', 'get', '-h'])).toEqual({ help: commandHelp(spec('posts get')) });
    expect(await parseCommandLine(['posts', '--help'])).toEqual({ help: overallHelp(COMMANDS.filter((c) => c.name.startsWith('posts '))) });
    expect(await parseCommandLine([])).toEqual({ help: overallHelp() });
    expect(await parseCommandLine(['--help'])).toEqual({ help: overallHelp() });
  });

  it('refuses unknown commands and options, missing values and extra arguments in one line pointing at the help', async () => {
    expect(await refused(['frobnicate'])).toBe('Unknown command "frobnicate" (pinion --help lists the commands)');
    expect(await refused(['serve', '--bogus'])).toBe("unknown option '--bogus' (pinion serve --help)");
    expect(await refused(['encryption-key', '--jsn'])).toBe("unknown option '--jsn' (Did you mean --json?) (pinion encryption-key --help)");
    expect(await refused(['posts', 'create', '--content'])).toMatch(/^option '--content <value>' argument missing \(pinion posts create --help\)$/);
    expect(await refused(['keys', 'revoke', 'a', 'b'])).toMatch(/^too many arguments .*\(pinion keys revoke --help\)$/);
    expect(await refused(['posts'])).toBe('posts needs one of: create, list, get, cancel, retry, delete (pinion posts --help)');
    expect(await refused(['posts', 'frob'])).toBe('Unknown command "posts frob": say one of create, list, get, cancel, retry, delete (pinion posts --help)');
    // Client commands take no database options.
    expect(await refused(['import', 'x.csv', '--database-url', 'sqlite:x'])).toMatch(/^unknown option '--database-url'/);
  });
});
