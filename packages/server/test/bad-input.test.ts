import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTree, createUser, PASSWORD, type Tree } from './fixtures.js';
import { Client, DIALECTS, startTestServer, type TestServer } from './harness.js';

const HOSTILE = [
  "'; DROP TABLE organisation; --",
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '\u0000\u0001\u0002',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe string, on purpose
  '${jndi:ldap://x}',
  'é'.repeat(300),
];

describe.each(DIALECTS)('bad input on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let admin: Client;
  const webDist = mkdtempSync(join(tmpdir(), 'rempart-web-'));
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>Rempart</title>');

  async function counts() {
    const db = server.handle.db;
    const [o, a, u] = await Promise.all([
      db
        .selectFrom('organisation')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('audit_event')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('app_user')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return [Number(o.n), Number(a.n), Number(u.n)];
  }

  function expectCleanError(
    r: { status: number; body: { error?: { code: string; message: string } } },
    status: number,
    code?: string,
  ) {
    expect(r.status).toBe(status);
    expect(r.body.error).toBeDefined();
    if (code) expect(r.body.error!.code).toBe(code);
    expect(JSON.stringify(r.body)).not.toMatch(/select |insert |sqlite|postgres|\n\s+at |node_modules/i);
  }

  beforeAll(async () => {
    server = await startTestServer(dialect, { WEB_DIST: webDist });
    tree = await buildTree(server.handle.db);
    await createUser(server.handle.db, 'admin@n.fr', [{ role: 'national_admin', organisationId: tree.nation.id }]);
    admin = new Client(server.app);
    await admin.login('admin@n.fr', PASSWORD);
  });
  afterAll(() => server?.close());

  test('malformed JSON, wrong content types and oversized bodies get 4xx and change nothing', async () => {
    const before = await counts();
    expectCleanError(
      await admin.post('/api/organisations', '{"parentId": 1, "kind":', { 'content-type': 'application/json' }),
      400,
      'invalid_json',
    );
    expectCleanError(
      await admin.post('/api/organisations', 'parentId=1&kind=site', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
      'unsupported_media_type',
    );
    const huge = JSON.stringify({ parentId: tree.ejA.id, kind: 'site', name: 'x'.repeat(2 * 1024 * 1024) });
    expectCleanError(
      await admin.post('/api/organisations', huge, { 'content-type': 'application/json' }),
      413,
      'payload_too_large',
    );
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect((await admin.post('/api/organisations', deep, { 'content-type': 'application/json' })).status).toBe(400);
    expect(await counts()).toEqual(before);
  });

  test('wrong types, unknown fields, out-of-range values: validation_failed, nothing written', async () => {
    const before = await counts();
    const bodies = [
      { parentId: String(tree.ejA.id), kind: 'site', name: 'x' },
      { parentId: tree.ejA.id, kind: 'castle', name: 'x' },
      { parentId: tree.ejA.id, kind: 'site', name: '' },
      { parentId: tree.ejA.id, kind: 'site', name: 'x', isAdmin: true },
      { parentId: -1, kind: 'site', name: 'x' },
      { parentId: 1e20, kind: 'site', name: 'x' },
      { parentId: tree.ejA.id, kind: 'site', name: 'x'.repeat(301) },
      [],
      null,
    ];
    for (const body of bodies) {
      const r = await admin.request('POST', '/api/organisations', JSON.stringify(body), {
        'content-type': 'application/json',
      });
      expect([400, 404], JSON.stringify(body)).toContain(r.status);
      expect(r.body.error.code).toMatch(/validation_failed|invalid_json|not_found/);
    }
    expectCleanError(
      await admin.post('/api/users', {
        email: 'not-an-email',
        displayName: 'x',
        role: 'contributor',
        organisationId: tree.ejA.id,
      }),
      400,
      'validation_failed',
    );
    expectCleanError(
      await admin.post('/api/users', { email: 'a@b.fr', displayName: 'x', role: 'god', organisationId: tree.ejA.id }),
      400,
      'validation_failed',
    );
    expectCleanError(
      await admin.post('/api/auth/login', { email: 'a@b.fr', password: 'x', extra: 1 }),
      400,
      'validation_failed',
    );
    expect(await counts()).toEqual(before);
  });

  test('injection strings in ids are refused; in text they are stored verbatim and never interpreted', async () => {
    for (const id of ['1%20OR%201=1', "1';--", '..%2F..%2Fetc', '0', '-5', '99999999999999999999']) {
      const r = await admin.get(`/api/organisations/${id}`);
      expect([400, 404]).toContain(r.status);
    }
    for (const name of HOSTILE) {
      const r = await admin.post('/api/organisations', { parentId: tree.ejA.id, kind: 'site', name });
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the hostile strings include control characters
      if (/[\u0000-\u001f]/.test(name) || name.length > 300) {
        expect(r.status).toBe(400);
        continue;
      }
      expect(r.status).toBe(201);
      const back = await admin.get(`/api/organisations/${r.body.id}`);
      expect(back.body.name).toBe(name.trim());
    }
    const q = await admin.get(`/api/organisations/${tree.nation.id}/subtree?q=${encodeURIComponent("%' OR 1=1 --")}`);
    expect(q.status).toBe(200);
    expect(q.body.items).toEqual([]);
    const wild = await admin.get(`/api/organisations/${tree.nation.id}/subtree?q=${encodeURIComponent('%')}`);
    expect(wild.body.items).toEqual([]); // LIKE wildcards are escaped, not matched
    expect(
      await server.handle.db
        .selectFrom('organisation')
        .select('id')
        .where('id', '=', tree.nation.id)
        .executeTakeFirst(),
    ).toBeDefined();
  });

  test('path traversal to files outside the web folder is not served', async () => {
    for (const path of [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/assets/..%5c..%5c..%5cetc%5cpasswd',
    ]) {
      const r = await server.app.inject({ method: 'GET', url: path });
      expect(r.body).not.toContain('root:');
      expect(r.statusCode).toBeLessThan(500);
    }
    const long = await server.app.inject({ method: 'GET', url: `/api/organisations/${'1'.repeat(150)}` });
    expect([long.statusCode, long.json().error.code]).toEqual([414, 'uri_too_long']);
    const garbled = await server.app.inject({ method: 'GET', url: '/api/organisations/%E0%A4%A' });
    expect([garbled.statusCode, garbled.json().error.code]).toEqual([400, 'bad_url']);
    const api = await server.app.inject({ method: 'GET', url: '/api/../../etc/passwd' });
    expect(api.body).not.toContain('root:');
  });

  test('forged tokens and cookies: 401 with a clear code; security headers on every answer', async () => {
    for (const auth of [
      'Bearer rmp_forgedforgedforgedforgedforged',
      'Bearer ',
      'Bearer rmp_../../etc',
      `Bearer ${'a'.repeat(10_000)}`,
    ]) {
      const r = await server.app.inject({
        method: 'GET',
        url: `/api/organisations/${tree.ejA.id}`,
        headers: { authorization: auth },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('invalid_token');
    }
    const r = await server.app.inject({ method: 'GET', url: '/api/auth/config' });
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBeDefined();
    expect((await server.app.inject({ method: 'GET', url: '/api/nope' })).json().error.code).toBe('not_found');
  });
});
