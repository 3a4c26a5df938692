import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { notNull } from './helpers.js';

/**
 * Dashboards at national scale: each snapshot gets its objective statuses as one character per objective
 * (in referential order), and `assessment_latest` points at each organisation's current assessment and
 * last snapshot per referential, so a dashboard is one indexed join instead of a group-by over history.
 */
export function assessmentLatest(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('assessment_snapshot').addColumn('objective_statuses', 'text').execute();
      await db.schema
        .createTable('assessment_latest')
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('referential_key', 'text', notNull)
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
        .addColumn('status', 'text', notNull)
        .addColumn('snapshot_id', 'integer', (c) => c.references('assessment_snapshot.id'))
        .addPrimaryKeyConstraint('assessment_latest_pk', ['organisation_id', 'referential_key'])
        .execute();
    },
  };
}
