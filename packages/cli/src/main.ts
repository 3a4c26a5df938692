#!/usr/bin/env node
import { CliError } from './command.js';
import { commands } from './commands/index.js';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'Usage: rempart <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `rempart <command> --help` for the options of a command.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`rempart: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    // Sub-commands with their own sub-commands (e.g. `ad audit --help`) handle help themselves.
    if (!command.help.includes('<subcommand>')) {
      process.stdout.write(`${command.help}\n`);
      return 0;
    }
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    // The server (and its error class) is loaded only by the commands that use it.
    const { AppError } = await import('@rempart/server');
    if (error instanceof CliError) {
      process.stderr.write(`rempart: ${error.message}\n`);
      process.exitCode = error.exitCode;
    } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`rempart: ${error.message}\n`);
      process.exitCode = 2;
    } else if (error instanceof AppError && error.status < 500) {
      // A refusal of the domain (invalid grant, duplicate account…): the user's input, not a crash.
      process.stderr.write(`rempart: ${error.message} (${error.code})\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`rempart: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
