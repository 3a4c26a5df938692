import { indexReferential, withFinessKey } from '@rempart/core';
import { type Kysely, sql } from 'kysely';
import { referentialRow } from '../src/assessments/referentials.js';
import { snapshotColumns } from '../src/dashboard/status.js';
import type { DatabaseHandle } from '../src/db/connect.js';
import type { Database } from '../src/db/schema.js';
import { nowIso } from '../src/http/time.js';

/**
 * Bulk-loads a region of `establishments` sites (4 per legal entity) under a fresh nation, with paths computed
 * here so 50,000 rows load in seconds. Returns the region id.
 */
export async function seedRegion(
  db: Kysely<Database>,
  establishments: number,
): Promise<{ nationId: number; regionId: number }> {
  const now = nowIso();
  const row = (
    id: number,
    kind: string,
    name: string,
    parent: number | null,
    path: string,
    depth: number,
    finess: string | null,
  ) => ({
    id,
    kind,
    name,
    finess,
    category: kind === 'site' || kind === 'legal_entity' ? 'public' : null,
    region_code: kind === 'nation' ? null : 'ARA',
    department: kind === 'site' || kind === 'legal_entity' ? '69' : null,
    parent_id: parent,
    path,
    depth,
    created_at: now,
    updated_at: now,
  });
  const rows = [
    row(1, 'nation', 'France', null, '/1/', 0, null),
    row(2, 'region', 'ARS Auvergne-Rhône-Alpes', 1, '/1/2/', 1, null),
  ];
  let id = 3;
  let sequence = 1;
  const entities = Math.ceil(establishments / 4);
  for (let e = 0; e < entities; e++) {
    const ejId = id++;
    const ejPath = `/1/2/${ejId}/`;
    rows.push(
      row(ejId, 'legal_entity', `Entité ${e}`, 2, ejPath, 2, withFinessKey(`69${String(sequence++).padStart(6, '0')}`)),
    );
    for (let s = 0; s < 4 && e * 4 + s < establishments; s++) {
      const siteId = id++;
      rows.push(
        row(
          siteId,
          'site',
          `Établissement ${e}-${s}`,
          ejId,
          `${ejPath}${siteId}/`,
          3,
          withFinessKey(`69${String(sequence++).padStart(6, '0')}`),
        ),
      );
    }
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await db
      .insertInto('organisation')
      .values(rows.slice(i, i + 1000))
      .execute();
  }
  return { nationId: 1, regionId: 2 };
}

export const REGIONS = ['ARA', 'BFC', 'BRE', 'CVL', 'COR', 'GES', 'HDF', 'IDF', 'NOR', 'NAQ', 'OCC', 'PDL', 'PAC'];
const CATEGORIES = ['public', 'private_non_profit', 'private_for_profit'];
const BATCH = 1000;

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Groups (GHT-like) per region in the `groups` variant. */
export const GROUPS_PER_REGION = 10;

/**
 * Nation → 13 regions → 40,000 legal entities (categories and departments spread), each with 5 yearly
 * assessments (4 signed, the last submitted), one snapshot each, and the status row (`assessment_latest`) on the last one.
 * With `groups`: 10 groups per region; one establishment in 4 sits in a group, and half of those (one in 8) have no
 * file of their own — their group's file (5 yearly assessments too) answers for them.
 */
export async function seedNation(
  handle: DatabaseHandle,
  ESTABLISHMENTS: number,
  YEARS: number,
  options: { groups?: boolean } = {},
): Promise<void> {
  const db = handle.db;
  const { id: versionId, referential } = await referentialRow(db, 'care', undefined);
  const objectives = [...indexReferential(referential).objectives.keys()];
  const at = (year: number) => `${year}-06-30T12:00:00.000Z`;
  const orgs: Array<Record<string, unknown>> = [
    {
      id: 1,
      kind: 'nation',
      name: 'France',
      finess: null,
      category: null,
      region_code: null,
      department: null,
      parent_id: null,
      path: '/1/',
      depth: 0,
      created_at: at(2020),
      updated_at: at(2020),
    },
  ];
  REGIONS.forEach((code, i) => {
    orgs.push({
      id: 2 + i,
      kind: 'region',
      name: `ARS ${code}`,
      finess: null,
      category: null,
      region_code: code,
      department: null,
      parent_id: 1,
      path: `/1/${2 + i}/`,
      depth: 1,
      created_at: at(2020),
      updated_at: at(2020),
    });
  });
  const groupIds = new Map<number, number[]>();
  if (options.groups) {
    REGIONS.forEach((code, r) => {
      const ids = Array.from({ length: GROUPS_PER_REGION }, (_, g) => 2 + REGIONS.length + r * GROUPS_PER_REGION + g);
      groupIds.set(r, ids);
      for (const id of ids)
        orgs.push({
          id,
          kind: 'group',
          name: `GHT ${id}`,
          finess: null,
          category: null,
          region_code: code,
          department: null,
          parent_id: 2 + r,
          path: `/1/${2 + r}/${id}/`,
          depth: 2,
          created_at: at(2020),
          updated_at: at(2020),
        });
    });
  }
  const first = 2 + REGIONS.length + REGIONS.length * (options.groups ? GROUPS_PER_REGION : 0);
  const groupOf = (e: number) =>
    options.groups && e % 4 === 0
      ? groupIds.get(e % REGIONS.length)![Math.floor(e / REGIONS.length) % GROUPS_PER_REGION]!
      : null;
  for (let e = 0; e < ESTABLISHMENTS; e++) {
    const id = first + e;
    const r = e % REGIONS.length;
    const group = groupOf(e);
    orgs.push({
      id,
      kind: 'legal_entity',
      name: `Établissement ${e}`,
      finess: null,
      category: CATEGORIES[e % CATEGORIES.length],
      region_code: REGIONS[r],
      department: String(1 + ((e * 7) % 95)).padStart(2, '0'),
      parent_id: group ?? 2 + r,
      path: group ? `/1/${2 + r}/${group}/${id}/` : `/1/${2 + r}/${id}/`,
      depth: group ? 3 : 2,
      created_at: at(2020),
      updated_at: at(2020),
    });
  }
  for (let i = 0; i < orgs.length; i += BATCH)
    await db
      .insertInto('organisation')
      .values(orgs.slice(i, i + BATCH) as never)
      .execute();

  const random = prng(42);
  let assessmentId = 0;
  let assessments: Array<Record<string, unknown>> = [];
  let snapshots: Array<Record<string, unknown>> = [];
  let latest: Array<Record<string, unknown>> = [];
  const flush = async () => {
    if (assessments.length)
      await db
        .insertInto('assessment')
        .values(assessments as never)
        .execute();
    if (snapshots.length)
      await db
        .insertInto('assessment_snapshot')
        .values(snapshots as never)
        .execute();
    if (latest.length)
      await db
        .insertInto('assessment_latest')
        .values(latest as never)
        .execute();
    assessments = [];
    snapshots = [];
    latest = [];
  };
  // Who holds files: every establishment (but, with groups, those answered for by their group), and the groups.
  const holders = [
    ...Array.from({ length: ESTABLISHMENTS }, (_, e) => ({
      orgId: first + e,
      category: CATEGORIES[e % CATEGORIES.length],
    })).filter((_, e) => !(options.groups && e % 8 === 0)),
    ...[...groupIds.values()].flat().map((orgId) => ({ orgId, category: 'public' })),
  ];
  for (const { orgId, category } of holders) {
    const level = random();
    for (let y = 0; y < YEARS; y++) {
      const id = ++assessmentId;
      const year = 2022 + y;
      const last = y === YEARS - 1;
      const progress = Math.min(1, level * 0.6 + y * 0.08);
      const statuses = objectives.map(() => (random() < 0.08 ? '-' : random() < progress ? 'R' : 'N')).join('');
      const reached = [...statuses].filter((c) => c === 'R').length;
      const applicable = [...statuses].filter((c) => c !== '-').length;
      assessments.push({
        id,
        organisation_id: orgId,
        referential_version_id: versionId,
        category,
        status: last ? 'submitted' : 'signed',
        revision: 3,
        answers: '{}',
        created_at: at(year),
        created_by: null,
        updated_at: at(year),
        submitted_at: at(year),
        submitted_by: null,
        signed_at: last ? null : at(year),
        signed_by: null,
      });
      snapshots.push({
        id,
        assessment_id: id,
        organisation_id: orgId,
        referential_key: 'care',
        referential_version: referential.version,
        at: at(year),
        score_permyriad: Math.round(progress * 10_000),
        objectives_reached: reached,
        objectives_applicable: applicable,
        objective_statuses: statuses,
        detail: '{}',
      });
      // The status row as the server writes it at a submission (markLatest copies the snapshot in).
      if (last)
        latest.push({
          organisation_id: orgId,
          referential_key: 'care',
          assessment_id: id,
          status: 'submitted',
          snapshot_id: id,
          ...snapshotColumns(snapshots[snapshots.length - 1] as Parameters<typeof snapshotColumns>[0]),
        });
    }
    if (assessments.length >= BATCH) await flush();
  }
  await flush();
  if (handle.dialect === 'postgres') {
    // Explicit ids were inserted: move the sequences past them, then refresh the planner's statistics.
    for (const table of ['organisation', 'assessment', 'assessment_snapshot'] as const)
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(
        db,
      );
    await sql`analyze`.execute(db);
  }
}
