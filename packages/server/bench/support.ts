/** What the server benchmarks share: a scratch database of either kind, a signed-in server on it, and percentiles. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { type DatabaseHandle, openDatabase } from '../src/db/connect.js';
import { PASSWORD } from '../test/fixtures.js';

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

/**
 * The platform on `handle`, listening on a loopback port (rate limits lifted), and the session cookie of
 * `email` (an account made with the test password). The caller closes `app`.
 */
export async function serveSignedIn(
  handle: DatabaseHandle,
  email: string,
): Promise<{ app: FastifyInstance; base: string; cookie: string }> {
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
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return { app, base, cookie: login.headers.getSetCookie()[0]!.split(';')[0]! };
}
