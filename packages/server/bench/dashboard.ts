/**
 * bench:dashboard — the national CaRE dashboard over 40,000 establishments × 5 yearly submitted assessments,
 * on SQLite and on PostgreSQL: p50/p95 of the session-authenticated HTTP request next to the raw SQL
 * aggregation (GROUP BY region over the same join) measured in the same run.
 */
import { indexReferential } from '@rempart/core';
import { sql } from 'kysely';
import { buildApp } from '../src/app.js';
import { referentialRow } from '../src/assessments/referentials.js';
import { loadConfig } from '../src/config.js';
import type { DatabaseHandle } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createUser, PASSWORD } from '../test/fixtures.js';
import { percentile, withDatabase } from './support.js';

const ESTABLISHMENTS = Number(process.env.BENCH_ESTABLISHMENTS ?? 40_000);
const YEARS = 5;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const REGIONS = ['ARA', 'BFC', 'BRE', 'CVL', 'COR', 'GES', 'HDF', 'IDF', 'NOR', 'NAQ', 'OCC', 'PDL', 'PAC'];
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

/**
 * Nation → 13 regions → 40,000 legal entities (categories and departments spread), each with 5 yearly
 * assessments (4 signed, the last submitted), one snapshot each, and `assessment_latest` on the last one.
 */
async function seed(handle: DatabaseHandle): Promise<void> {
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
  const first = 2 + REGIONS.length;
  for (let e = 0; e < ESTABLISHMENTS; e++) {
    const id = first + e;
    const r = e % REGIONS.length;
    orgs.push({
      id,
      kind: 'legal_entity',
      name: `Établissement ${e}`,
      finess: null,
      category: CATEGORIES[e % CATEGORIES.length],
      region_code: REGIONS[r],
      department: String(1 + ((e * 7) % 95)).padStart(2, '0'),
      parent_id: 2 + r,
      path: `/1/${2 + r}/${id}/`,
      depth: 2,
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
  for (let e = 0; e < ESTABLISHMENTS; e++) {
    const orgId = first + e;
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
        category: CATEGORIES[e % CATEGORIES.length],
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
      if (last)
        latest.push({
          organisation_id: orgId,
          referential_key: 'care',
          assessment_id: id,
          status: 'submitted',
          snapshot_id: id,
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

/** The raw aggregation the dashboard needs, in one SQL statement: per region, counts and mean score. */
async function rawAggregation(handle: DatabaseHandle) {
  return handle.db
    .selectFrom('organisation as o')
    .leftJoin('assessment_latest as l', (j) =>
      j.onRef('l.organisation_id', '=', 'o.id').on('l.referential_key', '=', 'care'),
    )
    .leftJoin('assessment_snapshot as s', 's.id', 'l.snapshot_id')
    .select((eb) => [
      'o.region_code',
      eb.fn.countAll<number>().as('organisations'),
      eb.fn.count<number>('l.assessment_id').as('assessed'),
      eb.fn.count<number>('s.id').as('submitted'),
      eb.fn.avg<number>('s.score_permyriad').as('mean'),
    ])
    .where('o.path', '>=', '/1/')
    .where('o.path', '<', '/10')
    .where('o.kind', 'in', ['legal_entity', 'site'])
    .groupBy('o.region_code')
    .execute();
}

async function run(kind: 'sqlite' | 'postgres') {
  const { handle, cleanup } = await withDatabase(kind);
  try {
    await migrateToLatest(handle);
    const t0 = performance.now();
    await seed(handle);
    const seedSeconds = (performance.now() - t0) / 1000;
    await createUser(handle.db, 'bench@sante.gouv.fr', [{ role: 'national_analyst', organisationId: 1 }]);
    const app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent', AUTH_RATE_PER_MINUTE: '100000' }),
      db: handle.db,
      dialect: handle.dialect,
      logger: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@sante.gouv.fr', password: PASSWORD }),
    });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const path = '/api/organisations/1/dashboard?groupBy=region&limit=100';
    const check = (await (await fetch(`${base}${path}`, { headers: { cookie } })).json()) as {
      counts: { organisations: number; submitted: number };
      groups: unknown[];
    };
    if (check.counts.organisations !== ESTABLISHMENTS || check.counts.submitted !== ESTABLISHMENTS)
      throw new Error(`unexpected dashboard counts ${JSON.stringify(check.counts)}`);
    if (check.groups.length !== REGIONS.length) throw new Error('expected one group per region');

    const http: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const a = performance.now();
      const response = await fetch(`${base}${path}`, { headers: { cookie } });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      const b = performance.now();
      const rows = await rawAggregation(handle);
      const c = performance.now();
      if (rows.length !== REGIONS.length) throw new Error('raw aggregation: unexpected row count');
      if (i >= 2) {
        http.push(b - a);
        direct.push(c - b);
      }
    }
    await app.close();
    http.sort((x, y) => x - y);
    direct.sort((x, y) => x - y);
    console.log(
      `bench:dashboard ${kind.padEnd(8)} HTTP GET national dashboard (${ESTABLISHMENTS} establishments × ${YEARS} assessments, groupBy=region, limit=100): ` +
        `p50 ${percentile(http, 50).toFixed(0)} ms, p95 ${percentile(http, 95).toFixed(0)} ms (${RUNS} sequential requests; seeded in ${seedSeconds.toFixed(0)} s)`,
    );
    console.log(
      `bench:dashboard ${kind.padEnd(8)} raw SQL aggregation (GROUP BY region over the same join): p50 ${percentile(direct, 50).toFixed(1)} ms, p95 ${percentile(direct, 95).toFixed(1)} ms (${RUNS} runs)`,
    );
  } finally {
    await cleanup();
  }
}

const only = process.env.BENCH_DATABASE;
if (!only || only === 'sqlite') await run('sqlite');
if (!only || only === 'postgres') await run('postgres');
