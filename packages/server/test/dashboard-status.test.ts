import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { moveSubtree } from '../src/organisations/move.js';
import { insertNode } from '../src/organisations/queries.js';
import { buildTree, createUser, signIn, type Tree } from './fixtures.js';
import { type Client, DIALECTS, startTestServer, type TestServer } from './harness.js';
import { dashReferential } from './referential-builders.js';

const YAML = { 'content-type': 'application/yaml' };
type Share = { id: string; reached: number; applicable: number; share: number | null; title?: string };
const shareOf = (list: Share[], id: string) => list.find((o) => o.id === id);

/**
 * The dashboard's status rows (`assessment_latest` with the packed per-objective columns of migration 0009):
 * shares per objective across referential versions, moves in the tree, laggards order, referentials past the
 * packed positions, and bad input.
 */
describe.each(DIALECTS)('dashboard status rows on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let admin: Client;
  let analyst: Client;
  let rssi: Client;
  let rssiB: Client;

  /** Creates, answers and submits an assessment of `org` on dash-test `version`: yes/no/N/A per objective. */
  const submit = async (
    client: Client,
    org: number,
    version: number,
    answers: Record<string, 'yes' | 'no' | 'na'>,
    referentialId = 'dash-test',
  ) => {
    const created = await client.post(`/api/organisations/${org}/assessments`, { referentialId, version });
    expect(created.status).toBe(201);
    const body = Object.fromEntries(
      Object.entries(answers).map(([id, a]) => [
        `${id}.R`,
        { answer: a === 'na' ? { kind: 'not_applicable' } : { kind: 'level', level: a } },
      ]),
    );
    const patched = await client.patch(`/api/assessments/${created.body.id}/answers`, { revision: 0, answers: body });
    expect(patched.status).toBe(200);
    const submitted = await client.post(`/api/assessments/${created.body.id}/submit`, { revision: 1 });
    expect(submitted.status).toBe(200);
    return created.body.id as number;
  };

  /** A new public legal entity under `parentId`, and its RSSI signed in. */
  const newEntityWithRssi = async (parentId: number, name: string, email: string) => {
    const entity = await insertNode(server.handle.db, { parentId, kind: 'legal_entity', name, category: 'public' });
    await createUser(server.handle.db, email, [{ role: 'establishment_rssi', organisationId: entity.id }]);
    return { id: entity.id, client: await signIn(server, email) };
  };

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    const db = server.handle.db;
    await createUser(db, 'admin@n.fr', [{ role: 'national_admin', organisationId: tree.nation.id }]);
    await createUser(db, 'analyst@n.fr', [{ role: 'national_analyst', organisationId: tree.nation.id }]);
    await createUser(db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(db, 'rssi@chb.fr', [{ role: 'establishment_rssi', organisationId: tree.ejB.id }]);
    admin = await signIn(server, 'admin@n.fr');
    analyst = await signIn(server, 'analyst@n.fr');
    rssi = await signIn(server, 'rssi@cha.fr');
    rssiB = await signIn(server, 'rssi@chb.fr');
    expect((await admin.post('/api/referentials', dashReferential(1, ['O1', 'O2', 'O3']), YAML)).status).toBe(201);
  });
  afterAll(() => server?.close());

  test('shares per objective are summed by id across versions whose objectives moved, were added or removed', async () => {
    await submit(rssi, tree.ejA.id, 1, { O1: 'yes', O2: 'no', O3: 'na' });
    // A new version appears: objectives reordered, O2 removed, O0 added.
    expect((await admin.post('/api/referentials', dashReferential(2, ['O3', 'O0', 'O1']), YAML)).status).toBe(201);
    await submit(rssiB, tree.ejB.id, 2, { O3: 'yes', O0: 'yes', O1: 'no' });
    const r = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard?referential=dash-test&groupBy=region`);
    expect(r.status).toBe(200);
    expect(r.body.referential).toEqual({ id: 'dash-test', version: 2 });
    // Each legal entity's file also answers for its site (sites A and B have none of their own): counted twice.
    const objectives: Share[] = r.body.objectives;
    expect(shareOf(objectives, 'O1')).toMatchObject({ reached: 2, applicable: 4, share: 0.5, title: 'Objectif O1 v2' });
    expect(shareOf(objectives, 'O2')).toMatchObject({ reached: 0, applicable: 2, share: 0, title: 'Objectif O2 v1' });
    expect(shareOf(objectives, 'O3')).toMatchObject({ reached: 2, applicable: 2 });
    expect(shareOf(objectives, 'O0')).toMatchObject({ reached: 2, applicable: 2 });
    const ara = r.body.groups.find((g: { key: string }) => g.key === 'ARA');
    expect(shareOf(ara.objectives, 'O1')).toMatchObject({ reached: 2, applicable: 2 });
    expect(shareOf(ara.objectives, 'O0')).toBeUndefined();
    const bre = r.body.groups.find((g: { key: string }) => g.key === 'BRE');
    expect(shareOf(bre.objectives, 'O1')).toMatchObject({ reached: 0, applicable: 2 });
    const siteB = r.body.items.find((i: { organisationId: number }) => i.organisationId === tree.siteB.id);
    expect(siteB).toMatchObject({ status: 'submitted', coveredBy: { organisationId: tree.ejB.id } });
    expect(siteB.objectives).toEqual({ O3: 'reached', O0: 'reached', O1: 'not_reached' });
    // Each establishment's own objective statuses are read with its version's order.
    const itemB = r.body.items.find((i: { organisationId: number }) => i.organisationId === tree.ejB.id);
    expect(itemB.objectives).toEqual({ O3: 'reached', O0: 'reached', O1: 'not_reached' });
    const itemA = r.body.items.find((i: { organisationId: number }) => i.organisationId === tree.ejA.id);
    expect(itemA.objectives).toEqual({ O1: 'reached', O2: 'not_reached', O3: 'not_applicable' });
  });

  test('the counts equal a recount from the snapshots themselves', async () => {
    const db = server.handle.db;
    const r = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard?referential=dash-test`);
    const snapshots = await db
      .selectFrom('assessment_latest as l')
      .innerJoin('assessment_snapshot as s', 's.id', 'l.snapshot_id')
      .select(['l.organisation_id', 's.referential_version', 's.objective_statuses', 's.score_permyriad'])
      .where('l.referential_key', '=', 'dash-test')
      .execute();
    // A file counts once for its holder and once for each of its sites without a file of their own.
    const uncovered = await db
      .selectFrom('organisation as o')
      .leftJoin('assessment_latest as own', (join) =>
        join.onRef('own.organisation_id', '=', 'o.id').on('own.referential_key', '=', 'dash-test'),
      )
      .select('o.parent_id')
      .where('o.kind', '=', 'site')
      .where('own.organisation_id', 'is', null)
      .execute();
    const weight = (org: number) => 1 + uncovered.filter((u) => u.parent_id === org).length;
    const orders: Record<number, string[]> = { 1: ['O1', 'O2', 'O3'], 2: ['O3', 'O0', 'O1'] };
    const recount = new Map<string, { reached: number; applicable: number }>();
    for (const s of snapshots)
      orders[s.referential_version]!.forEach((id, i) => {
        const c = s.objective_statuses![i];
        const t = recount.get(id) ?? { reached: 0, applicable: 0 };
        if (c === 'R') t.reached += weight(s.organisation_id);
        if (c !== '-') t.applicable += weight(s.organisation_id);
        recount.set(id, t);
      });
    for (const o of r.body.objectives as Share[])
      expect(recount.get(o.id)).toEqual({ reached: o.reached, applicable: o.applicable });
    expect(r.body.counts.submitted).toBe(snapshots.reduce((n, s) => n + weight(s.organisation_id), 0));
    expect(snapshots.reduce((n, s) => n + weight(s.organisation_id), 0)).toBeGreaterThan(snapshots.length);
  });

  test('a node moved to another region is counted there, with its status, at once', async () => {
    const before = await analyst.get(`/api/organisations/${tree.ara.id}/dashboard?referential=dash-test`);
    const { id: movedId, client: mobile } = await newEntityWithRssi(tree.bre.id, 'CH mobile', 'rssi@mobile.fr');
    await submit(mobile, movedId, 2, { O3: 'yes', O0: 'no', O1: 'yes' });
    await moveSubtree(server.handle.db, movedId, tree.ara.id);
    const after = await analyst.get(`/api/organisations/${tree.ara.id}/dashboard?referential=dash-test`);
    expect(after.body.counts.organisations).toBe(before.body.counts.organisations + 1);
    expect(after.body.counts.submitted).toBe(before.body.counts.submitted + 1);
    expect(shareOf(after.body.objectives, 'O1')!.reached).toBe(shareOf(before.body.objectives, 'O1')!.reached + 1);
    expect(after.body.items.map((i: { organisationId: number }) => i.organisationId)).toContain(movedId);
    const breAfter = await analyst.get(`/api/organisations/${tree.bre.id}/dashboard?referential=dash-test`);
    expect(breAfter.body.items.map((i: { organisationId: number }) => i.organisationId)).not.toContain(movedId);
  });

  test('laggards first: never started by id, then drafts, then the lowest scores; limit cuts after the order', async () => {
    const db = server.handle.db;
    // Never started: a legal entity without a file, and its site (which no file answers for either).
    const never = await insertNode(db, { parentId: tree.ara.id, kind: 'legal_entity', name: 'CH jamais' });
    const neverSite = await insertNode(db, { parentId: never.id, kind: 'site', name: 'CH jamais — site' });
    const { id: draftOnlyId, client: drafter } = await newEntityWithRssi(tree.ara.id, 'CH brouillon', 'rssi@draft.fr');
    expect(
      (await drafter.post(`/api/organisations/${draftOnlyId}/assessments`, { referentialId: 'dash-test' })).status,
    ).toBe(201);
    const r = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard?referential=dash-test`);
    const items = r.body.items as Array<{ organisationId: number; status: string; score: number | null }>;
    const firstAssessed = items.findIndex((i) => i.status !== 'none');
    expect(items.slice(0, firstAssessed).map((i) => i.organisationId)).toEqual(
      [never.id, neverSite.id].sort((a, b) => a - b),
    );
    expect(items[firstAssessed]).toMatchObject({ organisationId: draftOnlyId, status: 'draft', score: null });
    const scores = items.slice(firstAssessed + 1).map((i) => i.score!);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    const two = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard?referential=dash-test&limit=2`);
    expect(two.body.items.map((i: { organisationId: number }) => i.organisationId)).toEqual(
      items.slice(0, 2).map((i) => i.organisationId),
    );
    expect(two.body.counts).toEqual(r.body.counts);
    const three = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard?referential=dash-test&limit=3`);
    expect(three.body.items[2].organisationId).toBe(draftOnlyId);
  });

  test('a referential with more objectives than the packed positions is counted past them from the status string', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `W${String(i).padStart(2, '0')}`);
    expect((await admin.post('/api/referentials', dashReferential(3, ids), YAML)).status).toBe(201);
    const answers = Object.fromEntries(
      ids.map((id, i) => [id, i % 3 === 0 ? 'yes' : i % 3 === 1 ? 'no' : 'na'] as const),
    );
    const org = await newEntityWithRssi(tree.bre.id, 'CH large', 'rssi@large.fr');
    await submit(org.client, org.id, 3, answers);
    const r = await analyst.get(`/api/organisations/${org.id}/dashboard?referential=dash-test`);
    expect(r.status).toBe(200);
    for (const [i, id] of ids.entries()) {
      const expected =
        i % 3 === 0 ? { reached: 1, applicable: 1 } : i % 3 === 1 ? { reached: 0, applicable: 1 } : undefined;
      if (expected) expect(shareOf(r.body.objectives, id)).toMatchObject(expected);
      else expect(shareOf(r.body.objectives, id)).toBeUndefined();
    }
  });

  test('bad input: malformed and huge query values, unknown fields and ids are refused, nothing leaks', async () => {
    const url = `/api/organisations/${tree.nation.id}/dashboard`;
    for (const query of [
      'limit=0',
      'limit=-1',
      'limit=50001',
      'limit=1e99',
      'limit=abc',
      'limit=1.5',
      'groupBy=path',
      "groupBy=region'--",
      'category=x',
      'department=123456',
      "department=69' OR '1'='1",
      'referential=..%2F..%2Fetc',
      `referential=${'x'.repeat(5000)}`,
      'extra=1',
      'limit=1&limit=2',
    ]) {
      const r = await analyst.get(`${url}?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.error.code, query).toBeTruthy();
      expect(JSON.stringify(r.body), query).not.toMatch(/select|sqlite|postgres|stack/i);
    }
    expect((await analyst.get(`${url}?referential=inconnu`)).body.counts.submitted).toBe(0);
    expect((await analyst.get('/api/organisations/999999/dashboard')).status).toBe(404);
    expect((await analyst.get('/api/organisations/abc/dashboard')).status).toBe(400);
    expect((await analyst.get('/api/organisations/0/dashboard')).status).toBe(400);
    expect([400, 414]).toContain((await analyst.get(`/api/organisations/${'9'.repeat(400)}/dashboard`)).status);
    expect((await rssi.get(`/api/organisations/${tree.ejB.id}/dashboard`)).status).toBe(403);
  });
});
