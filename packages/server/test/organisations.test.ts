import { demoFinessExtract, formatFinessExtract, withFinessKey } from '@rempart/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAuditChain } from '../src/audit/trail.js';
import { ensureNation } from '../src/demo.js';
import { moveSubtree } from '../src/organisations/move.js';
import { buildTree, createUser, PASSWORD, type Tree } from './fixtures.js';
import { Client, DIALECTS, startTestServer, type TestServer } from './harness.js';

describe.each(DIALECTS)('organisation tree and audit trail on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let admin: Client;
  let referent: Client;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    await createUser(server.handle.db, 'admin@n.fr', [{ role: 'national_admin', organisationId: tree.nation.id }]);
    await createUser(server.handle.db, 'ars@bre.fr', [{ role: 'regional_referent', organisationId: tree.bre.id }]);
    admin = new Client(server.app);
    await admin.login('admin@n.fr', PASSWORD);
    referent = new Client(server.app);
    await referent.login('ars@bre.fr', PASSWORD);
  });
  afterAll(() => server?.close());

  test('browse: roots of the principal, a node with its ancestors and counts, its children', async () => {
    expect((await referent.get('/api/organisations')).body.items.map((o: { id: number }) => o.id)).toEqual([
      tree.bre.id,
    ]);
    const node = await admin.get(`/api/organisations/${tree.ejA.id}`);
    expect(node.body.ancestors.map((a: { name: string }) => a.name)).toEqual([
      'France',
      'ARS Auvergne-Rhône-Alpes',
      'GHT Test',
    ]);
    expect(node.body.establishmentCount).toBe(1);
    const children = await admin.get(`/api/organisations/${tree.nation.id}/children`);
    expect(children.body.items.map((c: { name: string; childCount: number }) => [c.name, c.childCount])).toEqual([
      ['ARS Auvergne-Rhône-Alpes', 1],
      ['ARS Bretagne', 1],
    ]);
  });

  test('create: the tree shape and FINESS keys are enforced; each write is in the audit trail', async () => {
    const bad = await admin.post('/api/organisations', { parentId: tree.siteA.id, kind: 'site', name: 'x' });
    expect(bad.body.error.code).toBe('invalid_tree');
    const badKey = await admin.post('/api/organisations', {
      parentId: tree.ejA.id,
      kind: 'site',
      name: 'x',
      finess: '690001019',
    });
    expect(badKey.body.error.code).toBe('invalid_finess');
    const dup = await admin.post('/api/organisations', {
      parentId: tree.ejA.id,
      kind: 'site',
      name: 'x',
      finess: tree.siteA.finess,
    });
    expect(dup.status).toBe(409);
    const ok = await admin.post('/api/organisations', {
      parentId: tree.ejA.id,
      kind: 'site',
      name: 'Site 2',
      finess: withFinessKey('69000102'),
    });
    expect(ok.status).toBe(201);
    expect(ok.body.category).toBe('public'); // inherited from its legal entity
    const renamed = await admin.patch(`/api/organisations/${ok.body.id}`, { name: 'Site Nord' });
    expect(renamed.body.name).toBe('Site Nord');
    const trail = await admin.get(`/api/organisations/${tree.ejA.id}/audit`);
    const mine = trail.body.items.filter((e: { objectId: string }) => e.objectId === String(ok.body.id));
    expect(mine.map((e: { action: string }) => e.action)).toEqual(['organisation.updated', 'organisation.created']);
    expect(mine[0].summary).toEqual({ before: { name: 'Site 2' }, after: { name: 'Site Nord' } });
    expect(mine[0].actor).toBe('admin@n.fr');
  });

  test('FINESS import: idempotent, reports rejected lines, a region imports only its own', async () => {
    const extract = demoFinessExtract();
    const first = await admin.post(`/api/organisations/${tree.nation.id}/finess-import`, extract, {
      'content-type': 'text/csv',
    });
    expect(first.status).toBe(200);
    expect(first.body.created).toBeGreaterThan(250);
    expect(first.body.rejected).toEqual([]);
    const again = await admin.post(`/api/organisations/${tree.nation.id}/finess-import`, extract, {
      'content-type': 'text/csv',
    });
    expect(again.body).toMatchObject({ created: 0, updated: 0, rejected: [] });
    expect(again.body.unchanged).toBe(extract.split('\n').filter((l) => l.startsWith('structureet')).length);

    const renamed = extract.replaceAll(' de Rennes', ' de Rennes-Centre');
    const third = await referent.post(`/api/organisations/${tree.bre.id}/finess-import`, renamed, {
      'content-type': 'text/csv',
    });
    expect(third.body.updated).toBeGreaterThan(0);
    expect(third.body.rejected.length).toBeGreaterThan(0);
    expect(third.body.rejected.every((r: { reason: string }) => r.reason.startsWith('hors du périmètre'))).toBe(true);

    const latin1 = Buffer.from(
      formatFinessExtract([
        {
          siteFiness: withFinessKey('35900001'),
          legalEntityFiness: withFinessKey('35900000'),
          name: 'Hôpital Sainte-Anne',
          department: '35',
          categoryLabel: 'C.H.',
          category: 'public',
          aggregateCategoryCode: '1102',
          sphCode: '1',
        },
      ]),
      'latin1',
    );
    const l1 = await admin.post(`/api/organisations/${tree.nation.id}/finess-import`, latin1, {
      'content-type': 'text/csv',
    });
    expect(l1.body.created).toBe(2);
    const found = await admin.get(`/api/organisations/${tree.nation.id}/subtree?q=sainte-anne`);
    expect(found.body.items.map((o: { name: string }) => o.name)).toEqual([
      'Hôpital Sainte-Anne',
      'Hôpital Sainte-Anne',
    ]);
  });

  test('subtree: paged with a cursor, filtered by kind, never leaks a sibling subtree', async () => {
    const all: number[] = [];
    let after = 0;
    for (;;) {
      const page = await referent.get(`/api/organisations/${tree.bre.id}/subtree?kind=site&limit=50&after=${after}`);
      expect(page.status).toBe(200);
      all.push(...page.body.items.map((o: { id: number }) => o.id));
      if (page.body.next === null) break;
      after = page.body.next;
    }
    expect(new Set(all).size).toBe(all.length);
    const bretonSites = await server.handle.db
      .selectFrom('organisation')
      .select('id')
      .where('kind', '=', 'site')
      .where('region_code', '=', 'BRE')
      .execute();
    expect(all.sort((a, b) => a - b)).toEqual(bretonSites.map((s) => s.id).sort((a, b) => a - b));
    expect(all).not.toContain(tree.siteA.id);
  });

  test('moving an entity into a group rewrites the paths of its whole subtree', async () => {
    const ej = await server.handle.db
      .selectFrom('organisation')
      .selectAll()
      .where('kind', '=', 'legal_entity')
      .where('region_code', '=', 'ARA')
      .where('id', '!=', tree.ejA.id)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await moveSubtree(server.handle.db, ej.id, tree.ght.id);
    const moved = await server.handle.db
      .selectFrom('organisation')
      .selectAll()
      .where('path', 'like', `%/${ej.id}/%`)
      .execute();
    expect(moved.length).toBeGreaterThan(1);
    for (const node of moved) expect(node.path.startsWith(`${tree.ght.path}${ej.id}/`)).toBe(true);
    expect(moved.find((n) => n.id === ej.id)!.depth).toBe(tree.ght.depth + 1);
  });

  test('moving an entity to another region moves its whole subtree into that region', async () => {
    await moveSubtree(server.handle.db, tree.ejB.id, tree.ara.id);
    const regions = await server.handle.db
      .selectFrom('organisation')
      .select(['id', 'region_code'])
      .where('id', 'in', [tree.ejB.id, tree.siteB.id])
      .execute();
    expect(regions).toEqual(
      expect.arrayContaining([
        { id: tree.ejB.id, region_code: 'ARA' },
        { id: tree.siteB.id, region_code: 'ARA' },
      ]),
    );
    const national = await admin.get(`/api/organisations/${tree.nation.id}/dashboard?groupBy=region`);
    expect(national.status).toBe(200);
    const item = national.body.items.find((i: { organisationId: number }) => i.organisationId === tree.siteB.id);
    expect(item.regionCode).toBe('ARA');
    await moveSubtree(server.handle.db, tree.ejB.id, tree.bre.id);
    const back = await server.handle.db
      .selectFrom('organisation')
      .select('region_code')
      .where('id', '=', tree.siteB.id)
      .executeTakeFirstOrThrow();
    expect(back.region_code).toBe('BRE');
  });

  test('the audit trail is append-only and its hash chain detects tampering at the first broken row', async () => {
    const db = server.handle.db;
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    expect((await admin.get('/api/audit/verify')).body.ok).toBe(true);
    await expect(db.updateTable('audit_event').set({ actor: 'mallory' }).where('id', '=', 2).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('audit_event').where('id', '=', 2).execute()).rejects.toThrow(/append-only/);
    // An attacker with database rights drops the trigger first: the chain still tells.
    if (dialect === 'postgres') await sql`drop trigger audit_event_no_update on audit_event`.execute(db);
    else await sql`drop trigger audit_event_no_update`.execute(db);
    await db.updateTable('audit_event').set({ summary: '{"forged":true}' }).where('id', '=', 2).execute();
    const report = await verifyAuditChain(db);
    expect(report).toEqual({
      ok: false,
      checked: 1,
      firstBroken: { id: 2, reason: 'contenu modifié (empreinte différente)' },
    });
    expect((await admin.get('/api/audit/verify')).body.firstBroken.id).toBe(2);
    expect((await referent.get('/api/audit/verify')).status).toBe(403);
    expect(await ensureNation(db)).toMatchObject({ id: tree.nation.id });
  });
});
