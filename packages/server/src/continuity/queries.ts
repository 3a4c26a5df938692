import type { Kysely, Transaction } from 'kysely';
import type { DialectName } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import { nowIso } from '../http/time.js';

/** Kinds of continuity documents; singletons use the key `default`. */
export type ContinuityKind =
  | 'graph'
  | 'dataset'
  | 'exercise'
  | 'document'
  | 'backup_infrastructure'
  | 'contacts'
  | 'entities';

export const SINGLETON = 'default';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Serialises continuity writes of one organisation on PostgreSQL by locking its (always present) organisation
 * row: locking the record itself would not cover its first creation. SQLite runs one writer at a time anyway.
 */
export async function lockOrganisation(db: Db, organisationId: number, dialect: DialectName): Promise<void> {
  if (dialect !== 'postgres') return;
  await db.selectFrom('organisation').select('id').where('id', '=', organisationId).forUpdate().executeTakeFirst();
}

/** One record's body, parsed from JSON. */
export async function loadRecord(
  db: Db,
  organisationId: number,
  kind: ContinuityKind,
  key: string,
): Promise<unknown | undefined> {
  const query = db
    .selectFrom('continuity_record')
    .select('body')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .where('key', '=', key);
  const row = await query.executeTakeFirst();
  return row ? JSON.parse(row.body) : undefined;
}

export async function listRecords(db: Db, organisationId: number, kind: ContinuityKind): Promise<unknown[]> {
  const rows = await db
    .selectFrom('continuity_record')
    .select('body')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .orderBy('key')
    .execute();
  return rows.map((r) => JSON.parse(r.body));
}

export async function saveRecord(
  db: Db,
  organisationId: number,
  kind: ContinuityKind,
  key: string,
  body: unknown,
  userId: number | null,
): Promise<void> {
  const row = { body: JSON.stringify(body), updated_at: nowIso(), updated_by: userId };
  await db
    .insertInto('continuity_record')
    .values({ organisation_id: organisationId, kind, key, ...row })
    .onConflict((oc) => oc.columns(['organisation_id', 'kind', 'key']).doUpdateSet(row))
    .execute();
}

/** Deletes one record; false when there was none. */
export async function deleteRecord(db: Db, organisationId: number, kind: ContinuityKind, key: string) {
  const result = await db
    .deleteFrom('continuity_record')
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .where('key', '=', key)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
