import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { notNull, withId } from './helpers.js';

/** CaRE self-assessments: referential versions, assessments, score snapshots and roadmap edits. */
export function assessments(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One row per referential version ever used or imported; an assessment points at the exact version it
      // was answered with, and a new version is a new row (past assessments keep theirs).
      await withId(db.schema.createTable('referential_version'), dialect)
        .addColumn('referential_key', 'text', notNull)
        .addColumn('version', 'integer', notNull)
        .addColumn('urn', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('locale', 'text', notNull)
        .addColumn('origin', 'text', notNull)
        .addColumn('source', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('created_by', 'integer')
        .addUniqueConstraint('referential_version_unique', ['referential_key', 'version'])
        .execute();

      await withId(db.schema.createTable('assessment'), dialect)
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('referential_version_id', 'integer', (c) => c.notNull().references('referential_version.id'))
        .addColumn('category', 'text', notNull)
        .addColumn('status', 'text', notNull)
        .addColumn('revision', 'integer', notNull)
        .addColumn('answers', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('created_by', 'integer')
        .addColumn('updated_at', 'text', notNull)
        .addColumn('submitted_at', 'text')
        .addColumn('submitted_by', 'integer')
        .addColumn('signed_at', 'text')
        .addColumn('signed_by', 'integer')
        .execute();
      await db.schema.createIndex('assessment_org').on('assessment').column('organisation_id').execute();

      await withId(db.schema.createTable('assessment_snapshot'), dialect)
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('referential_key', 'text', notNull)
        .addColumn('referential_version', 'integer', notNull)
        .addColumn('at', 'text', notNull)
        .addColumn('score_permyriad', 'integer')
        .addColumn('objectives_reached', 'integer', notNull)
        .addColumn('objectives_applicable', 'integer', notNull)
        .addColumn('detail', 'text', notNull)
        .execute();
      await db.schema
        .createIndex('assessment_snapshot_org')
        .on('assessment_snapshot')
        .columns(['referential_key', 'organisation_id'])
        .execute();
      await db.schema
        .createIndex('assessment_snapshot_assessment')
        .on('assessment_snapshot')
        .column('assessment_id')
        .execute();

      await withId(db.schema.createTable('roadmap_edit'), dialect)
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
        .addColumn('measure_id', 'text', notNull)
        .addColumn('owner', 'text')
        .addColumn('due_date', 'text')
        .addColumn('status', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addColumn('updated_by', 'integer')
        .addUniqueConstraint('roadmap_edit_unique', ['assessment_id', 'measure_id'])
        .execute();
    },
  };
}
