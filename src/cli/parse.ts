import { Command, CommanderError, Option } from 'commander';
import { COMMANDS, COMMON_OPTIONS, commandHelp, overallHelp, type CommandSpec } from './commands.js';
import { UsageError } from './output.js';

/** What a command line asks for: a command of the table with its options' values (by their names there) and its arguments; or help. */
export type Parsed = { spec: CommandSpec; values: Record<string, string | boolean | string[] | undefined>; rest: string[] } | { help: string };

/**
 * Reads `pinion …` with commander, from the command table of commands.ts (which also writes each command's
 * help): unknown commands and options, missing option values and extra arguments are a UsageError of one line
 * naming the help to read; `--help`, `-h` and `pinion help <command>` answer the help text.
 */
export async function parseCommandLine(argv: string[]): Promise<Parsed> {
  // `pinion help posts create` is `pinion posts create --help`.
  const args = argv[0] === 'help' ? [...argv.slice(1), '--help'] : argv;
  let parsed: Parsed | undefined;
  let helpText = overallHelp();
  // `pinion` alone shows the list of commands (commander's help for a command without action).
  const program = quiet(
    new Command('pinion'),
    () => overallHelp(),
    (t) => (helpText = t),
  );
  const groups = new Map<string, Command>();
  for (const spec of COMMANDS) {
    const [word, action] = spec.name.split(' ') as [string, string | undefined];
    let parent = program;
    if (action) {
      let group = groups.get(word);
      if (!group) {
        const members = COMMANDS.filter((c) => c.name.startsWith(`${word} `));
        group = quiet(
          program.command(word),
          () => overallHelp(members),
          (t) => (helpText = t),
        );
        // `pinion posts` or `pinion posts frob`: which actions there are.
        group
          .argument('[action]')
          .allowExcessArguments()
          .action((given?: string) => {
            const choices = members.map((c) => c.name.split(' ')[1]).join(', ');
            throw new UsageError(
              given === undefined
                ? `${word} needs one of: ${choices} (pinion ${word} --help)`
                : `Unknown command "${word} ${given}": say one of ${choices} (pinion ${word} --help)`,
            );
          });
        groups.set(word, group);
      }
      parent = group;
    }
    const command = quiet(
      parent.command(action ?? word),
      () => commandHelp(spec),
      (t) => (helpText = t),
    );
    // Arguments are checked by the command itself, whose message says which one is missing.
    if (spec.args) command.argument('[argument]');
    // Set again: a group's commands would inherit its leniency.
    command.allowExcessArguments(false);
    const options = Object.entries({ ...spec.options, ...COMMON_OPTIONS }).filter(([name]) => name !== 'help');
    for (const [name, o] of options) {
      // The help text is the table's: commander's flags need only say whether a value follows.
      const option = new Option(`--${name}${o.type === 'string' ? ' <value>' : ''}`, o.help);
      if (o.multiple) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
      command.addOption(option);
    }
    command.action((...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const values = Object.fromEntries(
        options.map(([name]) => [name, self.getOptionValue(new Option(`--${name}`).attributeName()) as string | boolean | string[] | undefined]),
      );
      parsed = { spec, values, rest: self.args };
    });
  }
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { help: helpText };
    const command = findSpec(args);
    if (err.code === 'commander.unknownCommand')
      throw new UsageError(`Unknown command "${args.find((a) => !a.startsWith('-'))}" (pinion --help lists the commands)`);
    throw new UsageError(`${err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (pinion ${command?.name ?? ''}${command ? ' ' : ''}--help)`);
  }
  if (!parsed) throw new UsageError('Nothing to do (pinion --help lists the commands)');
  return parsed;
}

/** The command the words of a line name, for the help an error points at. */
function findSpec(args: string[]): CommandSpec | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  return COMMANDS.find((c) => c.name === `${words[0]} ${words[1]}`) ?? COMMANDS.find((c) => c.name === words[0]);
}

/**
 * Errors are thrown, never printed by commander (main prints one line); help is the command table's text,
 * handed to `shown` instead of printed, so the caller prints it once.
 */
function quiet(command: Command, help: () => string, shown: (text: string) => void): Command {
  command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  command.helpInformation = () => {
    const text = help();
    shown(text);
    return `${text}\n`;
  };
  return command;
}
