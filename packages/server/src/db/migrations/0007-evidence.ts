import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { notNull, withId } from './helpers.js';

/** Evidence attached to a requirement of an assessment: a file stored in the database, or an https link. */
export function evidence(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('evidence'), dialect)
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('requirement_id', 'text', notNull)
        .addColumn('kind', 'text', notNull)
        .addColumn('filename', 'text')
        .addColumn('media_type', 'text')
        .addColumn('size', 'integer')
        .addColumn('sha256', 'text')
        .addColumn('content', dialect === 'postgres' ? 'bytea' : 'blob')
        .addColumn('url', 'text')
        .addColumn('title', 'text')
        .addColumn('expires_on', 'text')
        .addColumn('created_at', 'text', notNull)
        .addColumn('created_by', 'integer')
        .execute();
      await db.schema.createIndex('evidence_assessment').on('evidence').columns(['assessment_id']).execute();
    },
  };
}
