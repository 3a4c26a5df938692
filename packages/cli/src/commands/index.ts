import type { Command } from '../command.js';

/** Every sub-command, in the order `rempart --help` lists them. Add one line per command. */
export const commands: Command[] = [];
