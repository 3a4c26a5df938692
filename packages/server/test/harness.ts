import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../src/app.js';
import { type Config, loadConfig } from '../src/config.js';
import { type DatabaseHandle, type DialectName, openDatabase } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrate.js';

/** Both databases every repository-level suite runs on. */
export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

function postgresUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      'TEST_DATABASE_URL is not set: the PostgreSQL suites need a server (npm test starts one; or export TEST_DATABASE_URL=postgres://…)',
    );
  }
  return url;
}

/**
 * A fresh database: an in-memory SQLite, or a new PostgreSQL database dropped at the end, brought to the
 * latest schema (or as far as `prepare` takes it).
 */
export async function freshDatabase(
  dialect: DialectName,
  prepare: (handle: DatabaseHandle) => Promise<unknown> = migrateToLatest,
): Promise<{ handle: DatabaseHandle; url?: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const handle = openDatabase({ kind: 'sqlite', file: ':memory:' });
    await prepare(handle);
    return { handle, drop: () => handle.close() };
  }
  const adminUrl = postgresUrl();
  const name = `rempart_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase({ kind: 'postgres', url: url.href });
  await prepare(handle);
  return {
    handle,
    url: url.href,
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: 'silent', AUTH_RATE_PER_MINUTE: '100000', ...env });
}

export interface TestServer {
  app: FastifyInstance;
  handle: DatabaseHandle;
  close(): Promise<void>;
}

export async function startTestServer(dialect: DialectName, env: Record<string, string> = {}): Promise<TestServer> {
  const database = await freshDatabase(dialect);
  const app = await buildApp({ config: testConfig(env), db: database.handle.db, dialect, logger: false });
  await app.ready();
  return {
    app,
    handle: database.handle,
    async close() {
      await app.close();
      await database.drop();
    },
  };
}

type Body = Record<string, unknown> | string | Buffer | undefined;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field in each test
type AnyJson = any;

/** A browser-like client over `app.inject`: keeps the session cookie and sends the CSRF header. */
export class Client {
  cookie?: string;
  csrf?: string;
  bearer?: string;

  constructor(private readonly app: FastifyInstance) {}

  async request(method: string, url: string, body?: Body, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const response = await this.app.inject({
      method: method as 'GET',
      url,
      headers: h,
      ...(body === undefined
        ? {}
        : typeof body === 'string' || Buffer.isBuffer(body)
          ? { payload: body }
          : { payload: body }),
    });
    const setCookie = response.cookies.find((c) => c.name === 'rempart_session');
    if (setCookie) this.cookie = setCookie.value ? `rempart_session=${setCookie.value}` : undefined;
    const json = response.headers['content-type']?.toString().includes('json') ? response.json() : undefined;
    if (json && typeof json === 'object' && 'csrfToken' in json && typeof json.csrfToken === 'string')
      this.csrf = json.csrfToken;
    return { status: response.statusCode, body: json as AnyJson, raw: response };
  }

  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body?: Body, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, headers);
  }
  patch(url: string, body?: Body) {
    return this.request('PATCH', url, body ?? {});
  }
  delete(url: string) {
    return this.request('DELETE', url);
  }

  async login(email: string, password: string) {
    const r = await this.post('/api/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login failed for ${email}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  }
}
