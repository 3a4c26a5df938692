import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { decodeExtract } from '@rempart/core';
import { appendAudit, ensureNation, importFinessExtract } from '@rempart/server';
import { z } from 'zod';
import { CliError, type Command, parseOptions } from '../command.js';
import { openMigrated } from './shared.js';

const MAX_BYTES = 512 * 1024 * 1024;

export const importFiness: Command = {
  name: 'import-finess',
  help: `Usage: rempart import-finess <extract.csv> [--region <code>]

Imports the public FINESS extract (data.gouv.fr "etalab" CSV: ';'-separated, Latin-1 or UTF-8) into the
organisation tree: regions, legal entities (EJ) and sites (EG). Idempotent: run it again with a newer
extract to update names and categories. Prints a report with every rejected line and its reason.

Options:
  --region <code>   import only into this region (ARA, BRE, IDF…); lines of other regions are rejected`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { region: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const options = parseOptions(
      z.object({
        file: z.string().min(1, 'a CSV file is required'),
        region: z
          .string()
          .regex(/^[A-Z]{3}$/)
          .optional(),
      }),
      { file: positionals[0] ?? '', region: values.region },
    );
    const info = await stat(options.file).catch(() => null);
    if (!info?.isFile()) throw new CliError(`${options.file}: file not found`);
    if (info.size > MAX_BYTES) throw new CliError(`${options.file}: larger than ${MAX_BYTES / 1024 / 1024} MiB`);
    const text = decodeExtract(await readFile(options.file));
    const handle = await openMigrated();
    try {
      const nation = await ensureNation(handle.db);
      const report = await handle.db.transaction().execute(async (trx) => {
        const root = options.region
          ? await trx
              .selectFrom('organisation')
              .selectAll()
              .where('kind', '=', 'region')
              .where('region_code', '=', options.region)
              .executeTakeFirst()
          : nation;
        if (!root)
          throw new CliError(`region ${options.region} does not exist yet: import once at national level first`);
        const r = await importFinessExtract(trx, root, text);
        await appendAudit(trx, {
          actorUserId: null,
          actor: 'cli import-finess',
          action: 'organisation.finess_import',
          objectType: 'organisation',
          objectId: root.id,
          organisationId: root.id,
          summary: { created: r.created, updated: r.updated, unchanged: r.unchanged, rejected: r.rejected.length },
        });
        return r;
      });
      process.stdout.write(
        `créés : ${report.created}, mis à jour : ${report.updated}, inchangés : ${report.unchanged}, rejetés : ${report.rejected.length}\n`,
      );
      for (const r of report.rejected) process.stdout.write(`  ligne ${r.line} : ${r.reason}\n`);
      return 0;
    } finally {
      await handle.close();
    }
  },
};
