export type { Command } from './command.js';
export { CliError } from './command.js';
