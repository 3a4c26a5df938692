import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { notNull, withId } from './helpers.js';

/** Campaigns: a node pushes a referential version to its subtree with a deadline; members link each assessment. */
export function campaigns(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('campaign'), dialect)
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('referential_version_id', 'integer', (c) => c.notNull().references('referential_version.id'))
        .addColumn('name', 'text', notNull)
        .addColumn('deadline', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('created_by', 'integer')
        .execute();
      await db.schema.createIndex('campaign_org').on('campaign').columns(['organisation_id']).execute();
      await db.schema
        .createTable('campaign_member')
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
        .addPrimaryKeyConstraint('campaign_member_pk', ['campaign_id', 'organisation_id'])
        .execute();
      await db.schema.createIndex('campaign_member_org').on('campaign_member').columns(['organisation_id']).execute();
    },
  };
}
