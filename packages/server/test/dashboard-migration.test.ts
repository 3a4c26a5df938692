import { Migrator } from 'kysely';
import { afterEach, describe, expect, test } from 'vitest';
import { referentialRow } from '../src/assessments/referentials.js';
import type { DialectName } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations/index.js';
import { insertNode } from '../src/organisations/queries.js';
import { DIALECTS, freshDatabase } from './harness.js';

/** A database migrated only up to `0008-campaigns`, as a platform was before migration 0009. */
function databaseBefore0009(dialect: DialectName) {
  return freshDatabase(dialect, async (handle) => {
    const migrator = new Migrator({
      db: handle.db,
      provider: { getMigrations: async () => migrations(handle.dialect) },
      allowUnorderedMigrations: true,
    });
    const { error } = await migrator.migrateTo('0008-campaigns');
    if (error) throw error;
  });
}

describe.each(DIALECTS)('migration 0009 on %s', (dialect) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  test('fills the status rows written before it from their snapshot (statuses, packed counts, rank)', async () => {
    const before = await databaseBefore0009(dialect);
    close = before.drop;
    const db = before.handle.db;
    const nation = await insertNode(db, { parentId: null, kind: 'nation', name: 'France' });
    const region = await insertNode(db, { parentId: nation.id, kind: 'region', name: 'ARS', regionCode: 'ARA' });
    const ej = await insertNode(db, { parentId: region.id, kind: 'legal_entity', name: 'CH', category: 'public' });
    const draftOnly = await insertNode(db, {
      parentId: region.id,
      kind: 'legal_entity',
      name: 'CH 2',
      category: 'public',
    });
    const { id: versionId } = await referentialRow(db, 'care', undefined);
    const at = '2026-01-01T00:00:00.000Z';
    const assessment = (organisationId: number) => ({
      organisation_id: organisationId,
      referential_version_id: versionId,
      category: 'public',
      status: 'submitted',
      revision: 1,
      answers: '{}',
      created_at: at,
      created_by: null,
      updated_at: at,
      submitted_at: at,
      submitted_by: null,
      signed_at: null,
      signed_by: null,
    });
    const a = await db.insertInto('assessment').values(assessment(ej.id)).returning('id').executeTakeFirstOrThrow();
    const d = await db
      .insertInto('assessment')
      .values({ ...assessment(draftOnly.id), status: 'draft' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const snapshot = await db
      .insertInto('assessment_snapshot')
      .values({
        assessment_id: a.id,
        organisation_id: ej.id,
        referential_key: 'care',
        referential_version: 1,
        at,
        score_permyriad: 4200,
        objectives_reached: 1,
        objectives_applicable: 2,
        objective_statuses: 'RN-',
        detail: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('assessment_latest')
      .values([
        {
          organisation_id: ej.id,
          referential_key: 'care',
          assessment_id: a.id,
          status: 'submitted',
          snapshot_id: snapshot.id,
        },
        {
          organisation_id: draftOnly.id,
          referential_key: 'care',
          assessment_id: d.id,
          status: 'draft',
          snapshot_id: null,
        },
      ])
      .execute();

    await migrateToLatest(before.handle);

    const rows = await db.selectFrom('assessment_latest').selectAll().orderBy('organisation_id').execute();
    const [submitted, draft] = rows as unknown as Array<Record<string, unknown>>;
    expect(submitted).toMatchObject({
      referential_version: 1,
      snapshot_at: at,
      score_permyriad: 4200,
      objectives_reached: 1,
      objectives_applicable: 2,
      objective_statuses: 'RN-',
      rank_score: 4200,
    });
    // p0 reached (1 + 2^26), p1 not reached (2^26), p2 not applicable, the rest empty.
    expect([submitted!.p0, submitted!.p1, submitted!.p2, submitted!.p3].map(Number)).toEqual([
      1 + 2 ** 26,
      2 ** 26,
      0,
      0,
    ]);
    expect(draft).toMatchObject({ rank_score: -1, score_permyriad: null, referential_version: null });
    expect(Number(draft!.p0)).toBe(0);
  });
});
