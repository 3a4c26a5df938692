/** What the server benchmarks share: a scratch database of either kind, and percentiles. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type DatabaseHandle, openDatabase } from '../src/db/connect.js';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function withDatabase(
  kind: 'sqlite' | 'postgres',
): Promise<{ handle: DatabaseHandle; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rempart-bench-'));
    const handle = openDatabase({ kind: 'sqlite', file: join(dir, 'bench.sqlite') });
    return {
      handle,
      cleanup: async () => {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const admin = process.env.TEST_DATABASE_URL ?? 'postgres://rempart:rempart@127.0.0.1:5432/rempart_test';
  const name = `rempart_bench_${Date.now()}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const handle = openDatabase({ kind: 'postgres', url: url.href });
  return {
    handle,
    cleanup: async () => {
      await handle.close();
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      // The pool's sockets may still be closing: wait for them rather than have FORCE kill them under the
      // closed pool (which surfaces as an unhandled "terminating connection" error); FORCE only as a last resort.
      for (let attempt = 0; ; attempt++) {
        try {
          await d.query(attempt < 50 ? `DROP DATABASE ${name}` : `DROP DATABASE ${name} WITH (FORCE)`);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await d.end();
    },
  };
}
