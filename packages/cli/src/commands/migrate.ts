import { loadConfig, migrateToLatest, openDatabase } from '@rempart/server';
import { CliError, type Command } from '../command.js';

export const migrate: Command = {
  name: 'migrate',
  help: `Usage: rempart migrate

Runs every pending migration on the configured database (DATABASE_URL, or the embedded SQLite file).`,
  async run(argv) {
    if (argv.length > 0) throw new CliError(`unexpected argument: ${argv[0]}`);
    const config = loadConfig();
    const handle = openDatabase(config.database);
    try {
      const applied = await migrateToLatest(handle);
      process.stdout.write(applied.length ? `migrations appliquées : ${applied.join(', ')}\n` : 'schéma déjà à jour\n');
      return 0;
    } finally {
      await handle.close();
    }
  },
};
