import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { notNull, withId } from './helpers.js';

/** Technical results pushed by the engines (AD audit, exposure scan, detection) and the indicators they set. */
export function results(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('technical_result'), dialect)
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('engine', 'text', notNull)
        .addColumn('ruleset_version', 'text', notNull)
        .addColumn('generated_at', 'text', notNull)
        .addColumn('received_at', 'text', notNull)
        .addColumn('headline', 'text', notNull)
        .addColumn('summary', 'text', notNull)
        .addColumn('bundle', 'text', notNull)
        .addColumn('bundle_sha256', 'text', notNull)
        .addColumn('pushed_by', 'integer')
        .execute();
      await db.schema
        .createIndex('technical_result_org')
        .on('technical_result')
        .columns(['organisation_id', 'engine', 'generated_at'])
        .execute();

      await withId(db.schema.createTable('indicator'), dialect)
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('key', 'text', notNull)
        .addColumn('value', 'text', notNull)
        .addColumn('result_id', 'integer', (c) => c.references('technical_result.id'))
        .addColumn('measured_at', 'text', notNull)
        .addUniqueConstraint('indicator_org_key', ['organisation_id', 'key'])
        .execute();
    },
  };
}
