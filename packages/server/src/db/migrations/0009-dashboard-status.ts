import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../connect.js';

/**
 * National dashboards without the snapshot join and without per-row string work: `assessment_latest` gets
 * a copy of the last snapshot (score, counts, statuses), one packed integer per objective position (reached
 * and applicable, summed by the database) and `rank_score`, indexed with the referential key for "laggards
 * first". Existing rows are filled from their snapshot. Campaigns get their explicit target and group-file choice.
 */
// Frozen here (a landed migration never changes): 24 positions, `reached + applicable × 2^26` each.
const POSITIONS = 24;
const FIELD = 2 ** 26;

export function dashboardStatus(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const columns: Array<[string, 'integer' | 'text' | 'bigint']> = [
        ['referential_version', 'integer'],
        ['snapshot_at', 'text'],
        ['score_permyriad', 'integer'],
        ['objectives_reached', 'integer'],
        ['objectives_applicable', 'integer'],
        ['objective_statuses', 'text'],
      ];
      for (const [name, type] of columns)
        await db.schema.alterTable('assessment_latest').addColumn(name, type).execute();
      await db.schema
        .alterTable('assessment_latest')
        .addColumn('rank_score', 'integer', (c) => c.notNull().defaultTo(-1))
        .execute();
      for (let i = 0; i < POSITIONS; i++)
        await db.schema
          .alterTable('assessment_latest')
          .addColumn(`p${i}`, 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
      await db.schema
        .createIndex('assessment_latest_rank')
        .on('assessment_latest')
        .columns(['referential_key', 'rank_score', 'organisation_id'])
        .execute();

      // Group files of a scope are found from the few group nodes, not by scanning the tree.
      await db.schema.createIndex('organisation_kind_path').on('organisation').columns(['kind', 'path']).execute();

      // Campaigns say whom they target (one file per legal entity by default, or per site) and whether a
      // group answers for its members with one file.
      await db.schema
        .alterTable('campaign')
        .addColumn('target', 'text', (c) => c.notNull().defaultTo('legal_entities'))
        .execute();
      await db.schema
        .alterTable('campaign')
        .addColumn('group_files', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      // Backfill: the rows written before this migration, from the snapshot they point at.
      const rows = await sql<{
        organisation_id: number;
        referential_key: string;
        referential_version: number;
        at: string;
        score_permyriad: number | null;
        objectives_reached: number;
        objectives_applicable: number;
        objective_statuses: string | null;
      }>`select l.organisation_id, l.referential_key, s.referential_version, s.at, s.score_permyriad,
                s.objectives_reached, s.objectives_applicable, s.objective_statuses
           from assessment_latest l join assessment_snapshot s on s.id = l.snapshot_id`.execute(db);
      const typed = db as Kysely<{ assessment_latest: Record<string, unknown> }>;
      for (const row of rows.rows) {
        await typed
          .updateTable('assessment_latest')
          .set({
            referential_version: row.referential_version,
            snapshot_at: row.at,
            score_permyriad: row.score_permyriad,
            objectives_reached: row.objectives_reached,
            objectives_applicable: row.objectives_applicable,
            objective_statuses: row.objective_statuses,
            rank_score: row.score_permyriad ?? -1,
            ...Object.fromEntries(
              Array.from({ length: POSITIONS }, (_, i) => {
                const c = row.objective_statuses?.[i];
                return [`p${i}`, c === 'R' ? 1 + FIELD : c === 'N' ? FIELD : 0];
              }),
            ),
          })
          .where('organisation_id', '=', row.organisation_id)
          .where('referential_key', '=', row.referential_key)
          .execute();
      }
    },
  };
}
