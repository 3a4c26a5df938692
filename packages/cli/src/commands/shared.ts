import { type DatabaseHandle, loadConfig, migrateToLatest, openDatabase } from '@rempart/server';

/** Opens the configured database (environment variables, as the server) and brings it up to date. */
export async function openMigrated(): Promise<DatabaseHandle> {
  const config = loadConfig();
  const handle = openDatabase(config.database);
  await migrateToLatest(handle);
  return handle;
}
