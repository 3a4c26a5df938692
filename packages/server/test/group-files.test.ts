import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { moveSubtree } from '../src/organisations/move.js';
import { insertNode } from '../src/organisations/queries.js';
import { buildTree, createUser, signIn, type Tree } from './fixtures.js';
import { type Client, DIALECTS, startTestServer, type TestServer } from './harness.js';
import { dashReferential } from './referential-builders.js';

const YAML = { 'content-type': 'application/yaml' };
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

type Item = {
  organisationId: number;
  status: string;
  score: number | null;
  coveredBy: { organisationId: number; name: string } | null;
  objectives: Record<string, string>;
};

/**
 * A group (GHT) answering for all its members with one file: launched by a campaign, answered by the roles held
 * on the group node, shown in dashboards for members without their own file (named, counted once), and linked
 * older drafts in campaigns.
 */
describe.each(DIALECTS)('group files on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let referent: Client;
  let groupRssi: Client;
  let groupDirector: Client;
  let rssi: Client;
  let admin: Client;
  let chD: number;
  let ehpad: number;
  let ehpadSite: number;
  let chE: number;
  let groupFile: number;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    const db = server.handle.db;
    chD = (await insertNode(db, { parentId: tree.ght.id, kind: 'legal_entity', name: 'CH D', category: 'public' })).id;
    ehpad = (
      await insertNode(db, { parentId: tree.ght.id, kind: 'legal_entity', name: 'EHPAD M', category: 'medico_social' })
    ).id;
    ehpadSite = (await insertNode(db, { parentId: ehpad, kind: 'site', name: 'EHPAD M — site' })).id;
    chE = (await insertNode(db, { parentId: tree.ara.id, kind: 'legal_entity', name: 'CH E', category: 'public' })).id;
    await createUser(db, 'ars@ara.fr', [{ role: 'regional_referent', organisationId: tree.ara.id }]);
    await createUser(db, 'rssi@ght.fr', [{ role: 'group_rssi', organisationId: tree.ght.id }]);
    await createUser(db, 'dir@ght.fr', [{ role: 'establishment_director', organisationId: tree.ght.id }]);
    await createUser(db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(db, 'admin@n.fr', [{ role: 'national_admin', organisationId: tree.nation.id }]);
    referent = await signIn(server, 'ars@ara.fr');
    groupRssi = await signIn(server, 'rssi@ght.fr');
    groupDirector = await signIn(server, 'dir@ght.fr');
    rssi = await signIn(server, 'rssi@cha.fr');
    admin = await signIn(server, 'admin@n.fr');
  });
  afterAll(() => server?.close());

  test('a regional campaign with group files gives the GHT one file for its members, others their own', async () => {
    const r = await referent.post(`/api/organisations/${tree.ara.id}/campaigns`, {
      name: 'CaRE GHT',
      referentialId: 'care',
      deadline: inDays(20),
      groupFiles: true,
    });
    expect(r.status).toBe(201);
    expect(r.body.campaign.groupFiles).toBe(true);
    // The GHT's file, and CH E (outside any group); CH A, CH D, EHPAD M are members of the GHT.
    expect(r.body.push).toEqual({ created: 2, linked: 0, skipped: [] });
    const members = await referent.get(`/api/campaigns/${r.body.campaign.id}/reminders?withinDays=366`);
    expect(members.body.items.map((i: { organisationId: number; kind: string }) => [i.organisationId, i.kind])).toEqual(
      expect.arrayContaining([
        [tree.ght.id, 'group'],
        [chE, 'legal_entity'],
      ]),
    );
    expect(members.body.items).toHaveLength(2);
    groupFile = members.body.items.find((i: { kind: string }) => i.kind === 'group').assessmentId;
    // Members public and medico-social: the union of their categories is the public one's for CaRE.
    const file = await groupRssi.get(`/api/assessments/${groupFile}`);
    expect(file.body).toMatchObject({ organisationId: tree.ght.id, category: 'public', status: 'draft' });
    expect((await referent.post(`/api/campaigns/${r.body.campaign.id}/push`)).body).toEqual({
      created: 0,
      linked: 0,
      skipped: [],
    });
  });

  test('the group file is answered and signed by roles held on the group node, not by a member’s', async () => {
    const answers = { 'A1.O1.R2': { answer: { kind: 'level', level: 'yes' } } };
    expect((await rssi.patch(`/api/assessments/${groupFile}/answers`, { revision: 0, answers })).status).toBe(403);
    expect((await rssi.get(`/api/assessments/${groupFile}`)).status).toBe(403);
    expect((await groupRssi.patch(`/api/assessments/${groupFile}/answers`, { revision: 0, answers })).status).toBe(200);
    expect((await rssi.post(`/api/assessments/${groupFile}/submit`, { revision: 1 })).status).toBe(403);
    expect((await groupRssi.post(`/api/assessments/${groupFile}/submit`, { revision: 1 })).status).toBe(200);
    expect((await groupRssi.post(`/api/assessments/${groupFile}/sign`, { revision: 2 })).status).toBe(403);
    expect((await groupDirector.post(`/api/assessments/${groupFile}/sign`, { revision: 2 })).status).toBe(200);
  });

  test('dashboards show members without their own file with the group file, named, each counted once', async () => {
    // CH A answers for itself (an empty questionnaire, submitted).
    const own = await rssi.post(`/api/organisations/${tree.ejA.id}/assessments`, { referentialId: 'care' });
    expect((await rssi.post(`/api/assessments/${own.body.id}/submit`, { revision: 0 })).status).toBe(200);
    const r = await referent.get(`/api/organisations/${tree.ara.id}/dashboard`);
    expect(r.status).toBe(200);
    const items = r.body.items as Item[];
    const byId = new Map(items.map((i) => [i.organisationId, i]));
    // Establishment-level nodes only, once each: CH A, site A, CH D, EHPAD M and its site, CH E.
    expect([...byId.keys()].sort((a, b) => a - b)).toEqual(
      [tree.ejA.id, tree.siteA.id, chD, ehpad, ehpadSite, chE].sort((a, b) => a - b),
    );
    expect(r.body.counts).toEqual({ organisations: 6, assessed: 6, covered: 4, submitted: 5, signed: 3 });
    const ght = { organisationId: tree.ght.id, name: 'GHT Test' };
    for (const id of [chD, ehpad, ehpadSite]) expect(byId.get(id)).toMatchObject({ status: 'signed', coveredBy: ght });
    expect(byId.get(tree.ejA.id)).toMatchObject({ status: 'submitted', coveredBy: null, score: 0 });
    // Site A has no file of its own: its legal entity's file answers for it, before the group's.
    expect(byId.get(tree.siteA.id)).toMatchObject({
      status: 'submitted',
      score: 0,
      coveredBy: { organisationId: tree.ejA.id, name: tree.ejA.name },
    });
    expect(byId.get(chE)).toMatchObject({ status: 'draft', coveredBy: null });
    // Shares: three members with the group's statuses, CH A and its site with CH A's.
    const score = await referent.get(`/api/assessments/${groupFile}/score`);
    const mine = await rssi.get(`/api/assessments/${own.body.id}/score`);
    for (const o of r.body.objectives as Array<{ id: string; reached: number; applicable: number }>) {
      const g = score.body.objectives.find((x: { id: string }) => x.id === o.id).status;
      const a = mine.body.objectives.find((x: { id: string }) => x.id === o.id).status;
      const count = (s: string, m: number) => (s === 'reached' ? m : 0);
      expect(o.reached).toBe(count(g, 3) + count(a, 2));
      expect(o.applicable).toBe((g === 'not_applicable' ? 0 : 3) + (a === 'not_applicable' ? 0 : 2));
    }
    expect(byId.get(chD)!.score).toBeCloseTo(score.body.overall.score, 4);
    // From a member's own scope, the group above still answers for it.
    const own2 = await referent.get(`/api/organisations/${chD}/dashboard`);
    expect(own2.body.items[0]).toMatchObject({ organisationId: chD, coveredBy: ght });
    // The CSV names the group.
    const csv = (await referent.get(`/api/organisations/${tree.ara.id}/dashboard.csv`)).raw.body as string;
    expect(csv.split('\r\n')[0]).toContain(';Couvert par le dossier de;');
    expect(csv.split('\r\n').find((l) => l.startsWith(`${chD};`))).toContain(';GHT Test;');
    // Laggards first still: CH E (draft) before the covered members.
    expect(items[0]!.organisationId).toBe(chE);
    // The group's own dashboard, and a category filter, count the covered members the same way.
    const ghtDashboard = await groupRssi.get(`/api/organisations/${tree.ght.id}/dashboard`);
    expect(ghtDashboard.body.counts).toEqual({ organisations: 5, assessed: 5, covered: 4, submitted: 5, signed: 3 });
    const medico = await referent.get(`/api/organisations/${tree.ara.id}/dashboard?category=medico_social`);
    expect(medico.body.counts).toEqual({ organisations: 2, assessed: 2, covered: 2, submitted: 2, signed: 2 });
    expect((medico.body.items as Item[]).map((i) => i.organisationId).sort((a, b) => a - b)).toEqual(
      [ehpad, ehpadSite].sort((a, b) => a - b),
    );
    const limited = await referent.get(`/api/organisations/${tree.ara.id}/dashboard?limit=2`);
    expect((limited.body.items as Item[]).map((i) => i.organisationId)).toEqual(
      items.slice(0, 2).map((i) => i.organisationId),
    );
  });

  test('a member moved out of the group stops being covered at once; moved back, it is again', async () => {
    await moveSubtree(server.handle.db, chD, tree.ara.id);
    const out = await referent.get(`/api/organisations/${tree.ara.id}/dashboard`);
    expect((out.body.items as Item[]).find((i) => i.organisationId === chD)).toMatchObject({
      status: 'none',
      coveredBy: null,
    });
    expect(out.body.counts).toMatchObject({ organisations: 6, assessed: 5, covered: 3 });
    await moveSubtree(server.handle.db, chD, tree.ght.id);
    const back = await referent.get(`/api/organisations/${tree.ara.id}/dashboard`);
    expect((back.body.items as Item[]).find((i) => i.organisationId === chD)!.coveredBy).toMatchObject({
      organisationId: tree.ght.id,
    });
  });

  test('a group with no member of known category must be given one; a member cannot answer for the group', async () => {
    const empty = await insertNode(server.handle.db, { parentId: tree.bre.id, kind: 'group', name: 'GHT vide' });
    await createUser(server.handle.db, 'rssi@vide.fr', [{ role: 'group_rssi', organisationId: empty.id }]);
    const c = await signIn(server, 'rssi@vide.fr');
    const refused = await c.post(`/api/organisations/${empty.id}/assessments`, { referentialId: 'care' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('category_required');
    const given = await c.post(`/api/organisations/${empty.id}/assessments`, {
      referentialId: 'care',
      category: 'private_non_profit',
    });
    expect(given.body.category).toBe('private_non_profit');
    expect((await rssi.post(`/api/organisations/${tree.ght.id}/assessments`, { referentialId: 'care' })).status).toBe(
      403,
    );
  });

  test('a campaign links a draft on an older version of the same referential instead of a duplicate', async () => {
    const db = server.handle.db;
    expect((await admin.post('/api/referentials', dashReferential(1, ['O1', 'O2']), YAML)).status).toBe(201);
    const chF = await insertNode(db, { parentId: tree.bre.id, kind: 'legal_entity', name: 'CH F', category: 'public' });
    await createUser(db, 'rssi@chb.fr', [{ role: 'establishment_rssi', organisationId: tree.ejB.id }]);
    await createUser(db, 'rssi@chf.fr', [{ role: 'establishment_rssi', organisationId: chF.id }]);
    const b = await signIn(server, 'rssi@chb.fr');
    const f = await signIn(server, 'rssi@chf.fr');
    const draft = await b.post(`/api/organisations/${tree.ejB.id}/assessments`, { referentialId: 'dash-test' });
    const done = await f.post(`/api/organisations/${chF.id}/assessments`, { referentialId: 'dash-test' });
    expect((await f.post(`/api/assessments/${done.body.id}/submit`, { revision: 0 })).status).toBe(200);
    expect((await admin.post('/api/referentials', dashReferential(2, ['O2', 'O3']), YAML)).status).toBe(201);
    const r = await admin.post(`/api/organisations/${tree.bre.id}/campaigns`, {
      name: 'Test v2',
      referentialId: 'dash-test',
      deadline: inDays(30),
    });
    expect(r.status).toBe(201);
    expect(r.body.campaign.referential).toEqual({ id: 'dash-test', version: 2 });
    // CH B's v1 draft is linked as it is; CH F's v1 file was submitted: it gets a new v2 draft.
    expect(r.body.push).toEqual({ created: 1, linked: 1, skipped: [] });
    const members = await admin.get(`/api/campaigns/${r.body.campaign.id}/reminders?withinDays=366`);
    const byOrg = new Map(
      members.body.items.map((i: { organisationId: number }) => [i.organisationId, i]) as Array<[number, unknown]>,
    );
    expect(byOrg.get(tree.ejB.id)).toMatchObject({ assessmentId: draft.body.id, version: 1 });
    expect(byOrg.get(chF.id)).toMatchObject({ version: 2 });
    expect((byOrg.get(chF.id) as { assessmentId: number }).assessmentId).not.toBe(done.body.id);
  });

  test('a campaign launched from the group itself with group files links the group file, none for members', async () => {
    const r = await referent.post(`/api/organisations/${tree.ght.id}/campaigns`, {
      name: 'CaRE du GHT',
      referentialId: 'care',
      deadline: inDays(20),
      groupFiles: true,
    });
    expect(r.status).toBe(201);
    expect(r.body.push).toEqual({ created: 0, linked: 1, skipped: [] });
    const progress = await groupRssi.get(`/api/campaigns/${r.body.campaign.id}/progress`);
    expect(progress.body.counts.members).toBe(1);
    // Without group files, the same group's campaign gives each member legal entity its own file.
    const each = await referent.post(`/api/organisations/${tree.ght.id}/campaigns`, {
      name: 'CaRE par établissement',
      referentialId: 'care',
      deadline: inDays(20),
    });
    // CH A's own file is linked; CH D and EHPAD M get theirs.
    expect(each.body.push).toEqual({ created: 2, linked: 1, skipped: [] });
  });
});
