import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAuditChain } from '../src/audit/trail.js';
import { insertNode } from '../src/organisations/queries.js';
import { buildTree, createUser, signIn, type Tree } from './fixtures.js';
import { type Client, DIALECTS, startTestServer, type TestServer } from './harness.js';

const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe.each(DIALECTS)('campaigns on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let admin: Client;
  let referent: Client;
  let rssi: Client;
  let rssiB: Client;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    const db = server.handle.db;
    await createUser(db, 'admin@n.fr', [{ role: 'national_admin', organisationId: tree.nation.id }]);
    await createUser(db, 'ars@ara.fr', [{ role: 'regional_referent', organisationId: tree.ara.id }]);
    await createUser(db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(db, 'rssi@chb.fr', [{ role: 'establishment_rssi', organisationId: tree.ejB.id }]);
    admin = await signIn(server, 'admin@n.fr');
    referent = await signIn(server, 'ars@ara.fr');
    rssi = await signIn(server, 'rssi@cha.fr');
    rssiB = await signIn(server, 'rssi@chb.fr');
  });
  afterAll(() => server?.close());

  test('a region pushes CaRE to its legal entities (not their sites), linking existing files, idempotent', async () => {
    const db = server.handle.db;
    // CH A already has a CaRE assessment: the campaign links it instead of creating a second one.
    const own = await rssi.post(`/api/organisations/${tree.ejA.id}/assessments`, { referentialId: 'care' });
    expect(own.status).toBe(201);
    const chC = await insertNode(db, { parentId: tree.ara.id, kind: 'legal_entity', name: 'CH C', category: 'public' });
    const launched = await referent.post(`/api/organisations/${tree.ara.id}/campaigns`, {
      name: 'CaRE 2026 ARA',
      referentialId: 'care',
      deadline: inDays(10),
    });
    expect(launched.status).toBe(201);
    expect(launched.body.campaign).toMatchObject({
      name: 'CaRE 2026 ARA',
      referential: { id: 'care', version: 2 },
      target: 'legal_entities',
      groupFiles: false,
    });
    expect(launched.body.push).toEqual({ created: 1, linked: 1, skipped: [] });
    const id = launched.body.campaign.id;
    expect((await referent.post(`/api/campaigns/${id}/push`)).body).toEqual({ created: 0, linked: 0, skipped: [] });
    // A new site appears later: not a target; a new legal entity is.
    await insertNode(db, { parentId: tree.ejA.id, kind: 'site', name: 'CH A — annexe' });
    await insertNode(db, { parentId: tree.ara.id, kind: 'legal_entity', name: 'CH D', category: 'public' });
    expect((await referent.post(`/api/campaigns/${id}/push`)).body).toEqual({ created: 1, linked: 0, skipped: [] });
    const drafts = await db
      .selectFrom('assessment as a')
      .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
      .select(['o.id', 'o.kind', 'a.status', 'a.category'])
      .where('o.path', 'like', `${tree.ara.path}%`)
      .execute();
    expect(drafts).toHaveLength(3);
    expect(drafts.every((d) => d.kind === 'legal_entity' && d.status === 'draft' && d.category === 'public')).toBe(
      true,
    );
    expect(drafts.map((d) => d.id)).toContain(chC.id);
    // Bretagne untouched.
    const inB = await db
      .selectFrom('assessment')
      .select('id')
      .where('organisation_id', 'in', [tree.ejB.id, tree.siteB.id])
      .execute();
    expect(inB).toHaveLength(0);
    const events = await db.selectFrom('audit_event').select('action').where('object_type', '=', 'campaign').execute();
    expect(events.map((e) => e.action)).toEqual(['campaign.created', 'campaign.pushed', 'campaign.pushed']);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  test('sites on request: one file per site, none for their legal entities', async () => {
    const r = await referent.post(`/api/organisations/${tree.ara.id}/campaigns`, {
      name: 'CaRE sites ARA',
      referentialId: 'care',
      deadline: inDays(40),
      target: 'sites',
    });
    expect(r.status).toBe(201);
    expect(r.body.campaign.target).toBe('sites');
    // Site A and the annex of CH A.
    expect(r.body.push).toEqual({ created: 2, linked: 0, skipped: [] });
    const members = await server.handle.db
      .selectFrom('campaign_member as m')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select('o.kind')
      .where('m.campaign_id', '=', r.body.campaign.id)
      .execute();
    expect(members.map((m) => m.kind)).toEqual(['site', 'site']);
  });

  test('progress, reminders and the establishment’s to-do list follow the assessments', async () => {
    const list = await referent.get(`/api/organisations/${tree.ara.id}/campaigns`);
    const id = list.body.items[0].id;
    const own = await rssi.get(`/api/organisations/${tree.ejA.id}/assessments`);
    const assessmentId = own.body.items.find((a: { organisationId: number }) => a.organisationId === tree.ejA.id).id;
    const answered = await rssi.patch(`/api/assessments/${assessmentId}/answers`, {
      revision: 0,
      answers: { 'A1.O1.R2': { answer: { kind: 'level', level: 'yes' } } },
    });
    expect(answered.status).toBe(200);
    const progress = await referent.get(`/api/campaigns/${id}/progress`);
    expect(progress.status).toBe(200);
    expect(progress.body.counts).toEqual({ members: 3, not_started: 2, draft: 1, submitted: 0, signed: 0, overdue: 0 });
    const soon = await referent.get(`/api/campaigns/${id}/reminders?withinDays=14`);
    expect(soon.body.items).toHaveLength(3);
    expect(soon.body.items.every((i: { daysLeft: number; overdue: boolean }) => i.daysLeft === 10 && !i.overdue)).toBe(
      true,
    );
    expect(
      soon.body.items.every((i: { kind: string; version: number }) => i.kind === 'legal_entity' && i.version === 2),
    ).toBe(true);
    expect((await referent.get(`/api/campaigns/${id}/reminders?withinDays=5`)).body.items).toHaveLength(0);
    // Past the deadline: every unsubmitted member is overdue and listed first.
    await server.handle.db
      .updateTable('campaign')
      .set({ deadline: inDays(-2) })
      .where('id', '=', id)
      .execute();
    const late = await referent.get(`/api/campaigns/${id}/progress`);
    expect(late.body.counts.overdue).toBe(3);
    const reminders = await referent.get(`/api/campaigns/${id}/reminders?withinDays=0`);
    expect(reminders.body.items.map((i: { overdue: boolean }) => i.overdue)).toEqual([true, true, true]);
    const todo = await rssi.get(`/api/organisations/${tree.ejA.id}/todo`);
    expect(todo.status).toBe(200);
    expect(todo.body.items.map((i: { organisationId: number }) => i.organisationId)).toContain(tree.ejA.id);
    expect(todo.body.items[0].campaign.name).toBe('CaRE 2026 ARA');
    expect((await rssiB.get(`/api/organisations/${tree.ejB.id}/todo`)).body.items).toEqual([]);
    expect((await rssiB.get(`/api/campaigns/${id}/progress`)).status).toBe(403);
  });

  test('bad input: wrong node, past or malformed deadline, unknown referential, unknown fields, foreign region', async () => {
    const url = `/api/organisations/${tree.ara.id}/campaigns`;
    const ok = { name: 'X', referentialId: 'care', deadline: inDays(30) };
    const before = await server.handle.db.selectFrom('campaign').select('id').execute();
    expect((await referent.post(url, { ...ok, deadline: inDays(-1) })).body.error.code).toBe('deadline_past');
    expect((await referent.post(url, { ...ok, deadline: '2026-02-30' })).status).toBe(400);
    expect((await referent.post(url, { ...ok, deadline: "2026-01-01'; DROP TABLE campaign; --" })).status).toBe(400);
    expect((await referent.post(url, { ...ok, referentialId: 'inconnu' })).status).toBe(404);
    expect((await referent.post(url, { ...ok, extra: 1 })).status).toBe(400);
    expect((await referent.post(url, { ...ok, name: 'x'.repeat(1000) })).status).toBe(400);
    expect((await referent.post(url, { ...ok, target: 'everyone' })).status).toBe(400);
    expect((await referent.post(url, { ...ok, target: ['sites'] })).status).toBe(400);
    expect((await referent.post(url, { ...ok, groupFiles: 'yes' })).status).toBe(400);
    expect((await referent.post(url, { ...ok, groupFiles: 1 })).status).toBe(400);
    expect((await referent.post(url, { ...ok, version: 99 })).status).toBe(404);
    expect((await referent.post(url, { ...ok, version: 1e12 })).status).toBe(400);
    expect((await referent.post(`/api/organisations/999999/campaigns`, ok)).status).toBe(404);
    expect((await referent.post('/api/campaigns/999999/push')).status).toBe(404);
    expect((await referent.get('/api/campaigns/abc/progress')).status).toBe(400);
    expect((await referent.get(`/api/campaigns/1/reminders?withinDays=9999`)).status).toBe(400);
    expect((await referent.get(`/api/campaigns/1/reminders?withinDays=1&x=1`)).status).toBe(400);
    expect((await referent.post(`/api/organisations/${tree.ejA.id}/campaigns`, ok)).body.error.code).toBe(
      'invalid_target',
    );
    expect((await referent.post(`/api/organisations/${tree.bre.id}/campaigns`, ok)).status).toBe(403);
    expect((await rssi.post(`/api/organisations/${tree.ejA.id}/campaigns`, ok)).status).toBe(403);
    expect((await referent.get('/api/campaigns/999999/progress')).status).toBe(404);
    expect(await server.handle.db.selectFrom('campaign').select('id').execute()).toEqual(before);
  });

  test('the nation pushes to every region', async () => {
    const r = await admin.post(`/api/organisations/${tree.nation.id}/campaigns`, {
      name: 'CaRE national',
      referentialId: 'care',
      deadline: inDays(60),
    });
    expect(r.status).toBe(201);
    // ARA's legal entities already have their CaRE v1 assessments (linked); CH B gets a new draft.
    expect(r.body.push).toEqual({ created: 1, linked: 3, skipped: [] });
  });
});
