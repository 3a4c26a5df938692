import { type Kysely, type Migration, sql } from 'kysely';
import type { DialectName } from '../connect.js';
import { binaryText, notNull, withId } from './helpers.js';

/** Organisation tree, accounts, sessions, roles, tokens, outbox and the hash-chained audit trail. */
export function foundation(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('organisation'), dialect)
        .addColumn('kind', 'text', notNull)
        .addColumn('name', 'text', notNull)
        .addColumn('finess', 'text', (c) => c.unique())
        .addColumn('category', 'text')
        .addColumn('region_code', 'text')
        .addColumn('department', 'text')
        .addColumn('parent_id', 'integer', (c) => c.references('organisation.id'))
        .addColumn('path', binaryText(dialect), notNull)
        .addColumn('depth', 'integer', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .execute();
      await db.schema.createIndex('organisation_path').on('organisation').column('path').execute();
      await db.schema.createIndex('organisation_parent').on('organisation').column('parent_id').execute();

      await withId(db.schema.createTable('app_user'), dialect)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', notNull)
        .addColumn('password_hash', 'text')
        .addColumn('totp_secret', 'text')
        .addColumn('totp_enabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('totp_last_step', 'integer')
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'text')
        .addColumn('oidc_issuer', 'text')
        .addColumn('oidc_subject', 'text')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', notNull)
        .addColumn('updated_at', 'text', notNull)
        .addUniqueConstraint('app_user_oidc', ['oidc_issuer', 'oidc_subject'])
        .execute();

      await withId(db.schema.createTable('role_grant'), dialect)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('role', 'text', notNull)
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('detailed_findings', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', notNull)
        .addColumn('created_by', 'integer')
        .addUniqueConstraint('role_grant_unique', ['user_id', 'role', 'organisation_id'])
        .execute();
      await db.schema.createIndex('role_grant_user').on('role_grant').column('user_id').execute();

      await db.schema
        .createTable('session')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', notNull)
        .addColumn('mfa_pending', 'integer', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('expires_at', 'text', notNull)
        .addColumn('ip', 'text')
        .execute();

      await withId(db.schema.createTable('recovery_code'), dialect)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', notNull)
        .addColumn('used_at', 'text')
        .execute();

      await db.schema
        .createTable('one_time_token')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('purpose', 'text', notNull)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('expires_at', 'text', notNull)
        .addColumn('used_at', 'text')
        .addColumn('created_at', 'text', notNull)
        .execute();

      await withId(db.schema.createTable('api_token'), dialect)
        .addColumn('name', 'text', notNull)
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', notNull)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
        .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
        .addColumn('role', 'text', notNull)
        .addColumn('expires_at', 'text', notNull)
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('created_at', 'text', notNull)
        .execute();

      await db.schema
        .createTable('oidc_login')
        .addColumn('state', 'text', (c) => c.primaryKey())
        .addColumn('nonce', 'text', notNull)
        .addColumn('code_verifier', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .execute();

      await withId(db.schema.createTable('outbox'), dialect)
        .addColumn('kind', 'text', notNull)
        .addColumn('recipient', 'text', notNull)
        .addColumn('subject', 'text', notNull)
        .addColumn('body', 'text', notNull)
        .addColumn('created_at', 'text', notNull)
        .addColumn('sent_at', 'text')
        .execute();

      await withId(db.schema.createTable('audit_event'), dialect)
        .addColumn('at', 'text', notNull)
        .addColumn('actor_user_id', 'integer')
        .addColumn('actor', 'text', notNull)
        .addColumn('action', 'text', notNull)
        .addColumn('object_type', 'text', notNull)
        .addColumn('object_id', 'text')
        .addColumn('organisation_id', 'integer')
        .addColumn('summary', 'text', notNull)
        .addColumn('ip', 'text')
        .addColumn('prev_hash', 'text', notNull)
        .addColumn('hash', 'text', notNull)
        .execute();
      await db.schema.createIndex('audit_event_org').on('audit_event').column('organisation_id').execute();

      // One row: the chain's head. Writers lock it (UPDATE) so concurrent processes append in order.
      await db.schema
        .createTable('audit_head')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('seq', 'integer', notNull)
        .addColumn('last_hash', 'text', notNull)
        .execute();
      await sql`insert into audit_head (id, seq, last_hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

      // The trail is append-only at the database level too.
      if (dialect === 'postgres') {
        await sql`create function audit_event_append_only() returns trigger language plpgsql as $$
          begin raise exception 'audit_event is append-only'; end $$`.execute(db);
        await sql`create trigger audit_event_no_update before update or delete on audit_event
          for each row execute function audit_event_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_event_no_update before update on audit_event
          begin select raise(abort, 'audit_event is append-only'); end`.execute(db);
        await sql`create trigger audit_event_no_delete before delete on audit_event
          begin select raise(abort, 'audit_event is append-only'); end`.execute(db);
      }
    },
  };
}
