import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildTree, createUser, signIn, type Tree } from './fixtures.js';
import { type Client, DIALECTS, startTestServer, type TestServer } from './harness.js';

/** Dashboard additions: per-region objective shares at national level, CSV export (formula-neutralised). */
describe.each(DIALECTS)('dashboard per region and CSV export on %s', (dialect) => {
  let server: TestServer;
  let tree: Tree;
  let analyst: Client;
  let referent: Client;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    tree = await buildTree(server.handle.db);
    const db = server.handle.db;
    // A hostile establishment name: a spreadsheet formula.
    await db
      .updateTable('organisation')
      .set({ name: '=HYPERLINK("http://x";"clic")' })
      .where('id', '=', tree.ejB.id)
      .execute();
    await createUser(db, 'analyst@n.fr', [{ role: 'national_analyst', organisationId: tree.nation.id }]);
    await createUser(db, 'ars@ara.fr', [{ role: 'regional_referent', organisationId: tree.ara.id }]);
    await createUser(db, 'rssi@cha.fr', [{ role: 'establishment_rssi', organisationId: tree.ejA.id }]);
    await createUser(db, 'rssi@chb.fr', [{ role: 'establishment_rssi', organisationId: tree.ejB.id }]);
    analyst = await signIn(server, 'analyst@n.fr');
    referent = await signIn(server, 'ars@ara.fr');
    // CH A answers everything "yes" and submits; CH B submits an empty questionnaire.
    for (const [email, org, level] of [
      ['rssi@cha.fr', tree.ejA.id, 'yes'],
      ['rssi@chb.fr', tree.ejB.id, null],
    ] as const) {
      const c = await signIn(server, email);
      const created = await c.post(`/api/organisations/${org}/assessments`, { referentialId: 'care' });
      expect(created.status).toBe(201);
      if (level) {
        const full = await c.get(`/api/referentials/care/versions/1`);
        const answers: Record<string, unknown> = {};
        const scales = new Map<string, { levels: Array<{ id: string; score: number }> }>(
          full.body.scales.map((x: { id: string }) => [x.id, x]),
        );
        for (const axis of full.body.axes)
          for (const objective of axis.objectives)
            for (const requirement of objective.requirements) {
              const levels = [...(scales.get(requirement.scale)?.levels ?? [])].sort((a, b) => b.score - a.score);
              if (levels[0]) answers[requirement.id] = { answer: { kind: 'level', level: levels[0].id } };
            }
        const patched = await c.patch(`/api/assessments/${created.body.id}/answers`, { revision: 0, answers });
        expect(patched.status).toBe(200);
      }
      const current = await c.get(`/api/assessments/${created.body.id}`);
      const submitted = await c.post(`/api/assessments/${created.body.id}/submit`, { revision: current.body.revision });
      expect(submitted.status).toBe(200);
    }
  });
  afterAll(() => server?.close());

  test('national dashboard grouped by region gives each region its share of each objective reached', async () => {
    const r = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard?groupBy=region`);
    expect(r.status).toBe(200);
    expect(r.body.groups.map((g: { key: string }) => g.key).sort()).toEqual(['ARA', 'BRE']);
    for (const group of r.body.groups) {
      expect(group.objectives.length).toBeGreaterThan(0);
      for (const o of group.objectives) {
        expect(o.applicable).toBeGreaterThan(0);
        expect(o.share).toBe(o.reached / o.applicable);
      }
    }
    // The national share of each objective is the sum of the regions'.
    for (const o of r.body.objectives) {
      const perRegion = r.body.groups.map(
        (g: { objectives: Array<{ id: string; reached: number; applicable: number }> }) =>
          g.objectives.find((x) => x.id === o.id) ?? { reached: 0, applicable: 0 },
      );
      expect(perRegion.reduce((a: number, x: { reached: number }) => a + x.reached, 0)).toBe(o.reached);
      expect(perRegion.reduce((a: number, x: { applicable: number }) => a + x.applicable, 0)).toBe(o.applicable);
    }
    const bre = r.body.groups.find((g: { key: string }) => g.key === 'BRE');
    expect(bre.objectives.every((o: { reached: number }) => o.reached === 0)).toBe(true);
  });

  test('CSV export: every establishment, laggards first, formulas neutralised, filters applied', async () => {
    const r = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard.csv`);
    expect(r.status).toBe(200);
    expect(r.raw.headers['content-type']).toContain('text/csv');
    expect(r.raw.headers['content-disposition']).toMatch(/^attachment; filename="tableau-de-bord-\d+\.csv"$/);
    const text = r.raw.body as string;
    expect(text.startsWith('\uFEFFIdentifiant;Établissement;')).toBe(true);
    const lines = text.trim().split('\r\n');
    // Header + CH A, site A, CH B, site B.
    expect(lines).toHaveLength(5);
    expect(text).toContain(`"'=HYPERLINK(""http://x"";""clic"")"`);
    expect(text).not.toMatch(/(^|;)=HYPERLINK/m);
    const ids = lines.slice(1).map((l) => Number(l.split(';')[0]));
    // CH B (score 0) before CH A; each site shows its legal entity's file, named.
    expect(ids.indexOf(tree.ejB.id)).toBeLessThan(ids.indexOf(tree.ejA.id));
    expect(lines.find((l) => l.startsWith(`${tree.siteA.id};`))).toContain(';soumise;100;');
    expect(lines.find((l) => l.startsWith(`${tree.siteA.id};`))).toContain(`;${tree.ejA.name};`);
    const filtered = await analyst.get(`/api/organisations/${tree.nation.id}/dashboard.csv?department=99`);
    expect((filtered.raw.body as string).trim().split('\r\n')).toHaveLength(1);
    expect((await analyst.get(`/api/organisations/${tree.nation.id}/dashboard.csv?limit=5`)).status).toBe(400);
    expect((await analyst.get(`/api/organisations/${tree.nation.id}/dashboard.csv?category=x`)).status).toBe(400);
    expect((await referent.get(`/api/organisations/${tree.bre.id}/dashboard.csv`)).status).toBe(403);
    const regional = await referent.get(`/api/organisations/${tree.ara.id}/dashboard.csv`);
    expect((regional.raw.body as string).trim().split('\r\n')).toHaveLength(3);
  });
});
