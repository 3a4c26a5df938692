/** A `rempart` sub-command: parses its own argv (with node:util parseArgs + zod) and returns an exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Full help text printed by `rempart <name> --help`. */
  help: string;
  run(argv: string[]): Promise<number>;
}

/** A user-facing CLI error: printed without a stack trace, exit code 2 unless set. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}
