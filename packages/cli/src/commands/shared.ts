import { type DatabaseHandle, loadConfig, migrateToLatest, openDatabase } from '@rempart/server';
import type { z } from 'zod';
import { CliError } from '../command.js';

/** Opens the configured database (environment variables, as the server) and brings it up to date. */
export async function openMigrated(): Promise<DatabaseHandle> {
  const config = loadConfig();
  const handle = openDatabase(config.database);
  await migrateToLatest(handle);
  return handle;
}

/** Parses already-split options with a zod schema into a typed value, or a clear CLI error. */
export function parseOptions<T extends z.ZodType>(schema: T, values: unknown): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new CliError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return parsed.data;
}
