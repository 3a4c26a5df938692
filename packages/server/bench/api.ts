/**
 * bench:api — requests/s and latency of a session-authenticated GET of an organisation subtree of 40,000
 * establishments, on SQLite and on PostgreSQL, next to the same query run directly on the database.
 * Load: autocannon on loopback (in-process client, 4 connections, 10 s per database).
 */
import autocannon from 'autocannon';
import { migrateToLatest } from '../src/db/migrate.js';
import { subtreeRange } from '../src/organisations/queries.js';
import { createUser } from '../test/fixtures.js';
import { seedRegion } from './seed.js';
import { percentile, serveSignedIn, withDatabase } from './support.js';

const ESTABLISHMENTS = Number(process.env.BENCH_ESTABLISHMENTS ?? 40_000);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const DIRECT_RUNS = 30;

async function run(kind: 'sqlite' | 'postgres') {
  const { handle, cleanup } = await withDatabase(kind);
  try {
    await migrateToLatest(handle);
    const { regionId } = await seedRegion(handle.db, ESTABLISHMENTS);
    await createUser(handle.db, 'bench@ars.fr', [{ role: 'regional_referent', organisationId: regionId }]);
    if (kind === 'postgres')
      await handle.db
        .executeQuery({ sql: 'ANALYZE', parameters: [], query: { kind: 'RawNode' } } as never)
        .catch(() => {});

    const { app, base, cookie } = await serveSignedIn(handle, 'bench@ars.fr');
    const path = `/api/organisations/${regionId}/subtree?kind=site&limit=50000`;
    const check = await fetch(`${base}${path}`, { headers: { cookie } });
    const payload = (await check.json()) as { items: unknown[] };
    if (payload.items.length !== ESTABLISHMENTS)
      throw new Error(`expected ${ESTABLISHMENTS} items, got ${payload.items.length}`);

    const latencies: number[] = [];
    const instance = autocannon({ url: `${base}${path}`, connections: 4, duration: DURATION_S, headers: { cookie } });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
    const result = await instance;
    latencies.sort((a, b) => a - b);
    await app.close();

    // The same query, straight on the database: path range + kind filter, ordered by id.
    const region = await handle.db
      .selectFrom('organisation')
      .select('path')
      .where('id', '=', regionId)
      .executeTakeFirstOrThrow();
    const [from, to] = subtreeRange(region.path);
    const times: number[] = [];
    for (let i = 0; i < DIRECT_RUNS; i++) {
      const t0 = performance.now();
      const rows = await handle.db
        .selectFrom('organisation')
        .selectAll()
        .where('path', '>=', from)
        .where('path', '<', to)
        .where('id', '>', 0)
        .where('kind', '=', 'site')
        .orderBy('id')
        .limit(50_001)
        .execute();
      times.push(performance.now() - t0);
      if (rows.length !== ESTABLISHMENTS) throw new Error('direct query returned a different count');
    }
    times.sort((a, b) => a - b);
    const bytes = JSON.stringify(payload).length;
    console.log(
      `bench:api ${kind.padEnd(8)} HTTP GET subtree (${ESTABLISHMENTS} establishments, ${(bytes / 1e6).toFixed(1)} MB JSON): ` +
        `${(result.requests.total / DURATION_S).toFixed(1)} req/s, p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms (${latencies.length} requests, 4 connections, errors ${result.errors + result.non2xx})`,
    );
    console.log(
      `bench:api ${kind.padEnd(8)} same query on the database directly: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (${DIRECT_RUNS} runs)`,
    );
  } finally {
    await cleanup();
  }
}

await run('sqlite');
await run('postgres');
