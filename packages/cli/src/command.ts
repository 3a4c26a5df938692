import type { z } from 'zod';

/** A `rempart` sub-command: parses its own argv (with node:util parseArgs + zod) and returns an exit code. */
export interface Command {
  name: string;
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

/** Parses already-split options with a zod schema into a typed value, or a clear CLI error. */
export function parseOptions<T extends z.ZodType>(schema: T, values: unknown): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new CliError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return parsed.data;
}
