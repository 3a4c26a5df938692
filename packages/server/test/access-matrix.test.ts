import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Access } from '../src/access/plugin.js';
import { type Permission, ROLES, type Role } from '../src/access/roles.js';
import { buildTree, createUser, homeOf, PASSWORD, type Tree } from './fixtures.js';
import { Client, DIALECTS, startTestServer, type TestServer } from './harness.js';
import type { RouteCase } from './matrix/types.js';

/**
 * Who may do what, written here independently of `src/access/roles.ts`: if either drifts, this fails.
 * `detailed` permissions are also open to national/regional grants carrying the explicit flag.
 */
const EXPECTED: Record<Permission, Role[]> = {
  'org.read': [...ROLES],
  'indicators.read': [...ROLES],
  'assessment.read': [...ROLES],
  'org.write': ['national_admin', 'regional_referent'],
  'user.read': [
    'national_admin',
    'regional_referent',
    'group_rssi',
    'establishment_director',
    'establishment_rssi',
    'auditor',
  ],
  'user.manage': ['national_admin', 'regional_referent', 'group_rssi', 'establishment_director'],
  'audit.read': [
    'national_admin',
    'regional_referent',
    'group_rssi',
    'establishment_director',
    'establishment_rssi',
    'auditor',
  ],
  'token.manage': ['national_admin', 'regional_referent', 'group_rssi', 'establishment_director', 'establishment_rssi'],
  'campaign.manage': ['national_admin', 'regional_referent'],
  'assessment.write': ['group_rssi', 'establishment_director', 'establishment_rssi', 'contributor'],
  'assessment.sign': ['establishment_director'],
  'evidence.read': ['group_rssi', 'establishment_director', 'establishment_rssi', 'contributor', 'auditor'],
  'findings.read': ['group_rssi', 'establishment_director', 'establishment_rssi', 'auditor'],
  'findings.write': ['group_rssi', 'establishment_rssi'],
  'continuity.read': ['group_rssi', 'establishment_director', 'establishment_rssi', 'contributor', 'auditor'],
  'continuity.write': ['group_rssi', 'establishment_director', 'establishment_rssi', 'contributor'],
};
const DETAILED: Permission[] = ['findings.read', 'evidence.read', 'continuity.read'];
const NATIONAL: Role[] = ['national_admin', 'national_analyst'];

const caseModules = import.meta.glob<{ cases: RouteCase[] }>('./matrix/*.ts', { eager: true });
const CASES = Object.entries(caseModules)
  .filter(([path]) => !path.endsWith('types.ts'))
  .flatMap(([, m]) => m.cases);

type Caller = { name: string; role: Role; detailed: boolean; client: Client; email: string };

// Hundreds of requests per database: a generous timeout for a loaded CI machine.
describe.each(DIALECTS)('route × role × subtree matrix on %s', { timeout: 300_000 }, (dialect) => {
  let server: TestServer;
  let tree: Tree;
  const callers: Caller[] = [];
  let counter = 0;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    for (const role of ROLES) {
      const email = `${role}@matrix.fr`;
      await createUser(server.handle.db, email, [{ role, organisationId: homeOf(role, tree) }]);
      const client = new Client(server.app);
      await client.login(email, PASSWORD);
      callers.push({ name: role, role, detailed: false, client, email });
    }
    for (const role of ['regional_referent', 'national_analyst'] as Role[]) {
      const email = `${role}.detailed@matrix.fr`;
      await createUser(server.handle.db, email, [{ role, organisationId: homeOf(role, tree), detailedFindings: true }]);
      const client = new Client(server.app);
      await client.login(email, PASSWORD);
      callers.push({ name: `${role}+détail`, role, detailed: true, client, email });
    }
  });
  afterAll(() => server?.close());

  test('every API route has a case and a known permission', () => {
    const missing = server.app.routeRules
      .filter((r) => !CASES.some((c) => c.method === r.method && c.url === r.url))
      .map((r) => `${r.method} ${r.url}`);
    expect(missing, 'routes without a matrix case (add one under test/matrix/)').toEqual([]);
    for (const r of server.app.routeRules) {
      if (r.access.kind === 'org' || r.access.kind === 'anywhere')
        expect(EXPECTED).toHaveProperty([r.access.permission]);
    }
  });

  test('the OpenAPI document describes every API route', async () => {
    const doc = (await server.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const missing = server.app.routeRules.map((r) => `${r.method} ${r.url}`).filter((r) => !documented.has(r));
    expect(missing).toEqual([]);
  });

  function expected(rule: Access, caller: Caller, inside: boolean): boolean {
    if (rule.kind === 'public' || rule.kind === 'signed_in' || rule.kind === 'pending_mfa') return true;
    const holds =
      EXPECTED[rule.permission].includes(caller.role) ||
      (caller.detailed &&
        DETAILED.includes(rule.permission) &&
        ['regional_referent', 'national_analyst', 'national_admin'].includes(caller.role));
    if (rule.kind === 'anywhere') return holds;
    return holds && inside;
  }

  test('each route answers each role inside and outside its subtree as the table says', async () => {
    const wrong: string[] = [];
    for (const rule of server.app.routeRules) {
      const routeCase = CASES.find((c) => c.method === rule.method && c.url === rule.url);
      if (!routeCase) continue;
      for (const caller of callers) {
        const places: Array<[string, number, boolean]> =
          routeCase.fixedTarget === 'nation'
            ? [['nation', tree.nation.id, NATIONAL.includes(caller.role)]]
            : [
                ['inside', tree.siteA.id, true],
                ['outside', tree.siteB.id, NATIONAL.includes(caller.role)],
              ];
        for (const [place, orgId, inside] of places) {
          const req = await routeCase.request({
            db: server.handle.db,
            tree,
            orgId,
            role: caller.role,
            unique: String(++counter),
          });
          const body = req.body === undefined ? undefined : (req.body as Record<string, unknown> | string);
          const r = await caller.client.request(
            rule.method,
            req.url,
            body,
            req.contentType ? { 'content-type': req.contentType } : {},
          );
          if (routeCase.signsOut) await caller.client.login(caller.email, PASSWORD);
          const allowed = r.status !== 403 && r.status !== 401;
          if (allowed !== expected(rule.access, caller, inside) || r.status >= 500) {
            wrong.push(
              `${rule.method} ${rule.url} as ${caller.name} ${place}: ${r.status} ${JSON.stringify(r.body?.error ?? '')}`,
            );
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  test('without a session every non-public route answers 401', async () => {
    const anonymous = new Client(server.app);
    const wrong: string[] = [];
    for (const rule of server.app.routeRules) {
      if (rule.access.kind === 'public') continue;
      const routeCase = CASES.find((c) => c.method === rule.method && c.url === rule.url)!;
      const req = await routeCase.request({
        db: server.handle.db,
        tree,
        orgId: tree.siteA.id,
        role: 'contributor',
        unique: String(++counter),
      });
      const r = await anonymous.request(
        rule.method,
        req.url,
        req.body as Record<string, unknown> | undefined,
        req.contentType ? { 'content-type': req.contentType } : {},
      );
      if (r.status !== 401) wrong.push(`${rule.method} ${rule.url}: ${r.status}`);
    }
    expect(wrong).toEqual([]);
  });
});
