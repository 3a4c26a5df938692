import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAuditChain } from '../src/audit/trail.js';
import { auditActions, type CareWorld, careWorld, newAssessment } from './care-followup.js';
import { DIALECTS } from './harness.js';

describe.each(DIALECTS)('owners per objective on %s', (dialect) => {
  let w: CareWorld;
  let id: number;
  const ownerUrl = (objective: string, assessment = id) =>
    `/api/assessments/${assessment}/objectives/${objective}/owner`;

  beforeAll(async () => {
    w = await careWorld(dialect);
    id = await newAssessment(w);
  });
  afterAll(() => w?.server.close());

  test('candidates are the accounts granted on the establishment or above it, not elsewhere', async () => {
    const r = await w.rssi.get(`/api/assessments/${id}/owner-candidates`);
    expect(r.status).toBe(200);
    const candidateIds = r.body.items.map((c: { id: number }) => c.id).sort();
    expect(candidateIds).toEqual([w.ids.rssi, w.ids.director, w.ids.contributor, w.ids.referent].sort((a, b) => a - b));
    expect(r.body.items.find((c: { id: number }) => c.id === w.ids.director).roles).toEqual([
      { role: 'establishment_director', organisation: 'CH A' },
    ]);
  });

  test('an account or a free-text name owns an objective, with a due date; shown back with its revision', async () => {
    const byAccount = await w.rssi.request('PATCH', ownerUrl('A1.O1'), {
      revision: 0,
      userId: w.ids.director,
      dueDate: '2027-03-31',
    });
    expect(byAccount.status).toBe(200);
    expect(byAccount.body.owner).toMatchObject({
      objectiveId: 'A1.O1',
      userId: w.ids.director,
      name: 'dir',
      dueDate: '2027-03-31',
      revision: 1,
    });
    const byName = await w.contributor.request('PATCH', ownerUrl('D2.P'), {
      revision: 0,
      name: 'Mme Durand, responsable qualité',
    });
    expect(byName.status).toBe(200);
    expect(byName.body.owner).toMatchObject({ userId: null, name: 'Mme Durand, responsable qualité', dueDate: null });
    const list = await w.director.get(`/api/assessments/${id}/objective-owners`);
    expect(list.body.items.map((o: { objectiveId: string }) => o.objectiveId)).toEqual(['A1.O1', 'D2.P']);
  });

  test('a stale revision is refused with a clear conflict, and of two first owners set at once exactly one wins', async () => {
    const stale = await w.contributor.request('PATCH', ownerUrl('A1.O1'), { revision: 0, name: 'Autre' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('revision_conflict');
    expect(stale.body.error.message).toMatch(/modifié entre-temps/);
    const [a, b] = await Promise.all([
      w.rssi.request('PATCH', ownerUrl('A2.O1'), { revision: 0, name: 'Premier' }),
      w.director.request('PATCH', ownerUrl('A2.O1'), { revision: 0, name: 'Second' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const kept = (await w.rssi.get(`/api/assessments/${id}/objective-owners`)).body.items.find(
      (o: { objectiveId: string }) => o.objectiveId === 'A2.O1',
    );
    expect(kept.name).toBe(a.status === 200 ? 'Premier' : 'Second');
    expect(kept.revision).toBe(1);
  });

  test('the roadmap takes the objective owner for its measures unless a measure has its own', async () => {
    const roadmap = await w.rssi.get(`/api/assessments/${id}/roadmap`);
    const pssi = roadmap.body.items.find((i: { measureId: string }) => i.measureId === 'M-PSSI');
    // M-PSSI serves A1.O1 (first) and D2.P: the owner of A1.O1 is its default.
    expect(pssi).toMatchObject({ owner: 'dir', ownerFrom: 'objective' });
    const orga = roadmap.body.items.find((i: { measureId: string }) => i.measureId === 'M-D2-ORGA');
    expect(orga).toMatchObject({ owner: 'Mme Durand, responsable qualité', ownerFrom: 'objective' });
    await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { owner: 'Cabinet externe' });
    const again = await w.rssi.get(`/api/assessments/${id}/roadmap`);
    expect(again.body.items.find((i: { measureId: string }) => i.measureId === 'M-PSSI')).toMatchObject({
      owner: 'Cabinet externe',
      ownerFrom: 'measure',
    });
    const csv = await w.rssi.get(`/api/assessments/${id}/roadmap.csv`);
    expect(csv.raw.body).toContain('Mme Durand, responsable qualité');
    // Clearing the measure's owner falls back to the objective owner again.
    await w.rssi.patch(`/api/assessments/${id}/roadmap/M-PSSI`, { owner: null });
    const back = await w.rssi.get(`/api/assessments/${id}/roadmap`);
    expect(back.body.items.find((i: { measureId: string }) => i.measureId === 'M-PSSI').owner).toBe('dir');
  });

  test('removing an owner keeps its revision so the next choice is not a conflict; allowed after submission', async () => {
    const current = (await w.rssi.get(`/api/assessments/${id}/objective-owners`)).body.items.find(
      (o: { objectiveId: string }) => o.objectiveId === 'D2.P',
    );
    const cleared = await w.rssi.request('PATCH', ownerUrl('D2.P'), { revision: current.revision });
    expect(cleared.status).toBe(200);
    expect(cleared.body.owner).toMatchObject({ name: null, userId: null, revision: current.revision + 1 });
    const roadmap = await w.rssi.get(`/api/assessments/${id}/roadmap`);
    expect(roadmap.body.items.find((i: { measureId: string }) => i.measureId === 'M-D2-ORGA').owner).toBeNull();
    const assessment = await w.rssi.get(`/api/assessments/${id}`);
    expect((await w.rssi.post(`/api/assessments/${id}/submit`, { revision: assessment.body.revision })).status).toBe(
      200,
    );
    const after = await w.rssi.request('PATCH', ownerUrl('D2.P'), {
      revision: current.revision + 1,
      userId: w.ids.rssi,
    });
    expect(after.status).toBe(200);
    expect(after.body.owner.name).toBe('rssi');
  });

  test('bad input is refused with a code and changes nothing', async () => {
    const before = (await w.rssi.get(`/api/assessments/${id}/objective-owners`)).body.items;
    const cases: Array<[string, unknown, number, string]> = [
      [ownerUrl('NOPE.O9'), { revision: 0, name: 'x' }, 404, 'unknown_objective'],
      [ownerUrl('A3.O1'), { revision: 0, userId: w.ids.outsider }, 400, 'invalid_owner'],
      [ownerUrl('A3.O1'), { revision: 0, userId: 999_999 }, 400, 'invalid_owner'],
      [ownerUrl('A3.O1'), { revision: 0, userId: w.ids.rssi, name: 'x' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, dueDate: '2027-01-01' }, 400, 'owner_required'],
      [ownerUrl('A3.O1'), { revision: 0, name: 'x', dueDate: '2027-02-30' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, name: 'x', dueDate: '31/12/2027' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, name: 'x'.repeat(201) }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, name: 'a\u0000b' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, name: '   ' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: -1, name: 'x' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: '0', name: 'x' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { name: 'x' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, name: 'x', role: 'admin' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, userId: 1.5 }, 400, 'validation_failed'],
      [ownerUrl('A3.O1'), { revision: 0, userId: 1e20 }, 400, 'validation_failed'],
      [ownerUrl("A1.O1';DROP TABLE objective_owner;--"), { revision: 0, name: 'x' }, 400, 'validation_failed'],
      [ownerUrl('x'.repeat(65)), { revision: 0, name: 'x' }, 400, 'validation_failed'],
      [ownerUrl('A3.O1', 999_999), { revision: 0, name: 'x' }, 404, 'not_found'],
    ];
    for (const [url, body, status, code] of cases) {
      const r = await w.rssi.request('PATCH', url, body as Record<string, unknown>);
      expect([url, r.status, r.body?.error?.code]).toEqual([url, status, code]);
    }
    const huge = await w.rssi.request('PATCH', ownerUrl('A3.O1'), { revision: 0, name: 'x'.repeat(2_000_000) });
    expect([400, 413]).toContain(huge.status);
    expect((await w.rssi.get(`/api/assessments/${id}/objective-owners`)).body.items).toEqual(before);
  });

  test('the region sees neither owners nor candidates; another establishment cannot set them', async () => {
    expect((await w.referent.get(`/api/assessments/${id}/objective-owners`)).status).toBe(403);
    expect((await w.referent.get(`/api/assessments/${id}/owner-candidates`)).status).toBe(403);
    expect((await w.outsider.request('PATCH', ownerUrl('A3.O1'), { revision: 0, name: 'x' })).status).toBe(403);
  });

  test('every owner change is in the hash-chained audit trail', async () => {
    const actions = await auditActions(w.db, id);
    expect(actions.filter((a) => a === 'assessment.owner_set').length).toBe(5);
    const event = await w.db
      .selectFrom('audit_event')
      .select('summary')
      .where('action', '=', 'assessment.owner_set')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.summary)).toMatchObject({
      objective: 'A1.O1',
      before: null,
      after: { userId: w.ids.director, name: null, dueDate: '2027-03-31' },
    });
    expect((await verifyAuditChain(w.db)).ok).toBe(true);
  });
});
