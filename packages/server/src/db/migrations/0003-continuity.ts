import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { notNull, withId } from './helpers.js';

/**
 * Continuity data of an organisation (CaRE D2): one JSON document per (organisation, kind, key): the
 * dependency graph, the datasets and their backups, the exercises, the documents, the backup infrastructure,
 * the crisis contacts and the GHT entities. The domain model lives in @rempart/core; bodies are stored as it
 * parses them.
 */
export function continuity(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('continuity_record'), dialect)
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('kind', 'text', notNull)
        .addColumn('key', 'text', notNull)
        .addColumn('body', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addColumn('updated_by', 'integer')
        .addUniqueConstraint('continuity_record_unique', ['organisation_id', 'kind', 'key'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('continuity_record').execute();
    },
  };
}
