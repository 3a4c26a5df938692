/**
 * bench:dashboard — the national CaRE dashboard over 40,000 establishments × 5 yearly submitted assessments,
 * on SQLite and on PostgreSQL: p50/p95 of the session-authenticated HTTP request next to the raw SQL
 * aggregation (GROUP BY region over the same join) measured in the same run.
 */
import { loadavg } from 'node:os';
import type { DatabaseHandle } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createUser } from '../test/fixtures.js';
import { GROUPS_PER_REGION, REGIONS, seedNation } from './seed.js';
import { percentile, serveSignedIn, withDatabase } from './support.js';

const ESTABLISHMENTS = Number(process.env.BENCH_ESTABLISHMENTS ?? 40_000);
const YEARS = 5;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
/** BENCH_GROUPS=1: the variant where groups answer for one establishment in 8 (see `seedNation`). */
const GROUPS = process.env.BENCH_GROUPS === '1';

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
    await seedNation(handle, ESTABLISHMENTS, YEARS, { groups: GROUPS });
    const seedSeconds = (performance.now() - t0) / 1000;
    await createUser(handle.db, 'bench@sante.gouv.fr', [{ role: 'national_analyst', organisationId: 1 }]);
    const { app, base, cookie } = await serveSignedIn(handle, 'bench@sante.gouv.fr');
    const path = '/api/organisations/1/dashboard?groupBy=region&limit=100';
    const check = (await (await fetch(`${base}${path}`, { headers: { cookie } })).json()) as {
      counts: { organisations: number; submitted: number; covered: number };
      groups: unknown[];
    };
    if (check.counts.organisations !== ESTABLISHMENTS || check.counts.submitted !== ESTABLISHMENTS)
      throw new Error(`unexpected dashboard counts ${JSON.stringify(check.counts)}`);
    if (check.counts.covered !== (GROUPS ? Math.ceil(ESTABLISHMENTS / 8) : 0))
      throw new Error(`unexpected covered count ${check.counts.covered}`);
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
    const load = `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`;
    http.sort((x, y) => x - y);
    direct.sort((x, y) => x - y);
    console.log(
      `bench:dashboard ${kind.padEnd(8)} HTTP GET national dashboard (${ESTABLISHMENTS} establishments × ${YEARS} assessments${GROUPS ? `, ${Math.ceil(ESTABLISHMENTS / 8)} answered for by ${REGIONS.length * GROUPS_PER_REGION} group files` : ''}, groupBy=region, limit=100): ` +
        `p50 ${percentile(http, 50).toFixed(0)} ms, p95 ${percentile(http, 95).toFixed(0)} ms (${RUNS} sequential requests; seeded in ${seedSeconds.toFixed(0)} s; ${load})`,
    );
    console.log(
      `bench:dashboard ${kind.padEnd(8)} raw SQL aggregation (GROUP BY region over the same join): p50 ${percentile(direct, 50).toFixed(1)} ms, p95 ${percentile(direct, 95).toFixed(1)} ms (${RUNS} runs; ${load})`,
    );
  } finally {
    await cleanup();
  }
}

const only = process.env.BENCH_DATABASE;
if (!only || only === 'sqlite') await run('sqlite');
if (!only || only === 'postgres') await run('postgres');
