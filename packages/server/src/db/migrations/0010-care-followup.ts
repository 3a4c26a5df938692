import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../connect.js';
import { notNull, withId } from './helpers.js';

/**
 * CaRE follow-up: an owner per objective of an assessment, edited build/run costs on roadmap measures,
 * delivery state of the mail outbox (retries, dead letters) and the campaign reminders already enqueued.
 */
export function careFollowup(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // One owner per objective of an assessment: an account (user_id) or a free-text name for someone without
      // one. `revision` is the optimistic-concurrency token of this row alone, so owners never conflict with answers.
      await withId(db.schema.createTable('objective_owner'), dialect)
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
        .addColumn('objective_id', 'text', notNull)
        .addColumn('user_id', 'integer', (c) => c.references('app_user.id'))
        .addColumn('name', 'text')
        .addColumn('due_date', 'text')
        .addColumn('revision', 'integer', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addColumn('updated_by', 'integer')
        .addUniqueConstraint('objective_owner_unique', ['assessment_id', 'objective_id'])
        .execute();

      // Euros; null keeps the referential's estimate.
      await db.schema.alterTable('roadmap_edit').addColumn('cost_build', 'integer').execute();
      await db.schema.alterTable('roadmap_edit').addColumn('cost_run', 'integer').execute();

      // Outbox delivery: `pending` → `sending` (claimed) → `sent`, or back to `pending` with a later
      // `next_attempt_at` after a temporary failure, or `dead` after too many failures or a permanent refusal.
      await db.schema
        .alterTable('outbox')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
        .execute();
      await db.schema
        .alterTable('outbox')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('outbox').addColumn('next_attempt_at', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('claimed_until', 'text').execute();
      await db.schema.alterTable('outbox').addColumn('last_error', 'text').execute();
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

      // One row per reminder stage reached by a campaign assessment; the unique constraints make the daily job
      // idempotent (a stage is enqueued once; at most one reminder per assessment and day).
      await withId(db.schema.createTable('campaign_reminder'), dialect)
        .addColumn('campaign_id', 'integer', (c) => c.notNull().references('campaign.id'))
        .addColumn('assessment_id', 'integer', (c) => c.notNull().references('assessment.id'))
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('stage', 'text', notNull)
        .addColumn('day', 'text', notNull)
        .addColumn('recipients', 'integer', notNull)
        .addColumn('outbox_ids', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addUniqueConstraint('campaign_reminder_stage', ['campaign_id', 'assessment_id', 'stage'])
        .addUniqueConstraint('campaign_reminder_day', ['campaign_id', 'assessment_id', 'day'])
        .execute();
      await db.schema
        .createIndex('campaign_reminder_org')
        .on('campaign_reminder')
        .columns(['organisation_id'])
        .execute();
    },
  };
}
