import { loadBundledReferential, smallHospitalDossier } from '@rempart/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SINGLETON, saveRecord } from '../src/continuity/queries.js';
import { auditActions, type CareWorld, careWorld, newAssessment } from './care-followup.js';
import { DIALECTS } from './harness.js';

/** The small hospital's continuity dossier (every D2 objective met) stored for an organisation. */
async function storeContinuity(w: CareWorld, organisationId: number) {
  const dossier = smallHospitalDossier();
  await saveRecord(w.db, organisationId, 'graph', SINGLETON, dossier.graph, w.ids.rssi);
  for (const d of dossier.datasets) await saveRecord(w.db, organisationId, 'dataset', d.id, d, w.ids.rssi);
  for (const e of dossier.exercises) await saveRecord(w.db, organisationId, 'exercise', e.id, e, w.ids.rssi);
  for (const d of dossier.documents) await saveRecord(w.db, organisationId, 'document', d.id, d, w.ids.rssi);
  await saveRecord(w.db, organisationId, 'backup_infrastructure', SINGLETON, dossier.backupInfrastructure, w.ids.rssi);
}

describe.each(DIALECTS)('pre-filled answers from D2 continuity indicators, confirmed or replaced, on %s', (dialect) => {
  let w: CareWorld;
  let id: number;
  const revisionOf = async () => (await w.rssi.get(`/api/assessments/${id}`)).body.revision as number;

  beforeAll(async () => {
    w = await careWorld(dialect);
    id = await newAssessment(w);
  });
  afterAll(() => w?.server.close());

  test('without continuity data no D2 reading is offered', async () => {
    const r = await w.rssi.get(`/api/organisations/${w.tree.siteA.id}/indicator-readings`);
    expect(r.status).toBe(200);
    expect(r.body.readings.filter((x: { key: string }) => x.key.startsWith('d2.'))).toEqual([]);
  });

  test('the 13 D2 indicators feed the indicator readings, and the prefill answers the D2 requirements from them', async () => {
    await storeContinuity(w, w.tree.siteA.id);
    const r = await w.rssi.get(`/api/organisations/${w.tree.siteA.id}/indicator-readings`);
    const d2 = r.body.readings.filter((x: { key: string }) => x.key.startsWith('d2.'));
    expect(d2.filter((x: { key: string }) => /^d2\.(p\d|o\d(_[a-d])?)$/.test(x.key))).toHaveLength(13);
    expect(d2.find((x: { key: string }) => x.key === 'd2.p1')).toMatchObject({
      value: 'met',
      source: { tool: 'continuity', reference: 'indicateur D2.P1 — PSSI formalisée et à jour' },
    });
    // The region sees the statuses (indicators), never the continuity details.
    const region = await w.referent.get(`/api/organisations/${w.tree.siteA.id}/indicator-readings`);
    expect(region.status).toBe(200);
    expect(JSON.stringify(region.body)).not.toContain('DS-DPI');

    const prefill = await w.rssi.post(`/api/assessments/${id}/prefill`, {
      revision: await revisionOf(),
      readings: r.body.readings,
    });
    expect(prefill.status).toBe(200);
    // The newest CaRE referential (version 2) maps every one of its 14 D2 requirements to a continuity indicator.
    const d2Requirements = (await loadBundledReferential('care-2025-v2')).axes
      .flatMap((a) => a.objectives.flatMap((o) => o.requirements.map((r) => r.id)))
      .filter((id) => id.startsWith('D2.'));
    expect(d2Requirements).toHaveLength(14);
    expect(prefill.body.prefilled.filter((r: string) => r.startsWith('D2.')).sort()).toEqual(d2Requirements.sort());
    expect(prefill.body.answers['D2.P1']).toMatchObject({
      answer: { kind: 'level', level: 'yes' },
      source: { tool: 'continuity', indicator: 'd2.p1', value: 'met' },
    });
    expect(prefill.body.answers['D2.O4.TEST']).toMatchObject({
      answer: { kind: 'level', level: 'yes' },
      source: { tool: 'continuity', indicator: 'd2.restore_test_done', value: true, reference: expect.any(String) },
    });
    expect(prefill.body.answers['D2.O1.D'].answer).toEqual({ kind: 'level', level: 'from_66' });
  });

  test('a person confirms a pre-filled answer: it keeps its source and says who confirmed it', async () => {
    const revision = await revisionOf();
    const r = await w.contributor.post(`/api/assessments/${id}/answers/D2.O3.A/confirm`, { revision });
    expect(r.status).toBe(200);
    expect(r.body.revision).toBe(revision + 1);
    expect(r.body.answer.source).toMatchObject({
      tool: 'continuity',
      indicator: 'd2.backup_auth_independent',
      confirmedBy: { id: w.ids.contributor, name: 'contrib' },
      confirmedAt: expect.any(String),
    });
    const stored = (await w.rssi.get(`/api/assessments/${id}`)).body.answers['D2.O3.A'];
    expect(stored.source.confirmedBy.name).toBe('contrib');
    // Confirming again changes nothing.
    const again = await w.rssi.post(`/api/assessments/${id}/answers/D2.O3.A/confirm`, { revision: revision + 1 });
    expect(again.status).toBe(200);
    expect(again.body.revision).toBe(revision + 1);
    expect(again.body.answer.source.confirmedBy.id).toBe(w.ids.contributor);
  });

  test('a comment keeps the pre-fill; changing the answer keeps a trace of the pre-fill it replaced', async () => {
    const commented = await w.rssi.patch(`/api/assessments/${id}/answers`, {
      revision: await revisionOf(),
      answers: { 'D2.O4.TEST': { comment: 'Test de restauration du DPI en février' } },
    });
    expect(commented.body.answers['D2.O4.TEST'].source.indicator).toBe('d2.restore_test_done');
    const changed = await w.rssi.patch(`/api/assessments/${id}/answers`, {
      revision: commented.body.revision,
      answers: { 'D2.O4.TEST': { answer: { kind: 'level', level: 'no' } } },
    });
    const answer = changed.body.answers['D2.O4.TEST'];
    expect(answer.source).toBeUndefined();
    expect(answer).toMatchObject({
      answer: { kind: 'level', level: 'no' },
      comment: 'Test de restauration du DPI en février',
      replacedPrefill: {
        answer: { kind: 'level', level: 'yes' },
        source: { tool: 'continuity', indicator: 'd2.restore_test_done', value: true },
        replacedBy: w.ids.rssi,
        replacedAt: expect.any(String),
      },
    });
    // The trace stays through later edits.
    const later = await w.rssi.patch(`/api/assessments/${id}/answers`, {
      revision: changed.body.revision,
      answers: { 'D2.O4.TEST': { answer: { kind: 'dont_know' } } },
    });
    expect(later.body.answers['D2.O4.TEST'].replacedPrefill.source.indicator).toBe('d2.restore_test_done');
    // …even when the answer and the comment are cleared.
    const cleared = await w.rssi.patch(`/api/assessments/${id}/answers`, {
      revision: later.body.revision,
      answers: { 'D2.O4.TEST': { answer: null, comment: null } },
    });
    expect(cleared.body.answers['D2.O4.TEST']).toMatchObject({ answer: null, comment: null });
    expect(cleared.body.answers['D2.O4.TEST'].replacedPrefill.answer).toEqual({ kind: 'level', level: 'yes' });
    const restored = await w.rssi.patch(`/api/assessments/${id}/answers`, {
      revision: cleared.body.revision,
      answers: { 'D2.O4.TEST': { answer: { kind: 'dont_know' } } },
    });
    // Sending the same pre-filled answer again is not a change: D2.O1.D keeps its source.
    const same = await w.rssi.patch(`/api/assessments/${id}/answers`, {
      revision: restored.body.revision,
      answers: { 'D2.O1.D': { answer: { kind: 'level', level: 'from_66' } } },
    });
    expect(same.body.answers['D2.O1.D'].source.indicator).toBe('d2.pca_test_coverage');
    expect(same.body.answers['D2.O1.D'].replacedPrefill).toBeUndefined();
  });

  test('confirm: stale revision, answers that are not pre-filled and bad input are refused; nothing changes', async () => {
    const revision = await revisionOf();
    const before = (await w.rssi.get(`/api/assessments/${id}`)).body;
    const cases: Array<[string, unknown, number, string]> = [
      ['D2.O1.D', { revision: revision - 1 }, 409, 'revision_conflict'],
      ['D2.O4.TEST', { revision }, 409, 'not_prefilled'],
      ['A1.O1.R1', { revision }, 409, 'not_prefilled'],
      ['NOPE.R9', { revision }, 409, 'not_prefilled'],
      ['D2.O1.D', {}, 400, 'validation_failed'],
      ['D2.O1.D', { revision: -1 }, 400, 'validation_failed'],
      ['D2.O1.D', { revision: '1' }, 400, 'validation_failed'],
      ['D2.O1.D', { revision, by: 'someone' }, 400, 'validation_failed'],
      ['D2.O1.D', { revision: 1e20 }, 400, 'validation_failed'],
      ["x';DROP TABLE assessment;--", { revision }, 400, 'validation_failed'],
      ['R'.repeat(65), { revision }, 400, 'validation_failed'],
    ];
    for (const [requirement, body, status, code] of cases) {
      const url = `/api/assessments/${id}/answers/${encodeURIComponent(requirement)}/confirm`;
      const r = await w.rssi.post(url, body as Record<string, unknown>);
      expect([requirement, r.status, r.body?.error?.code]).toEqual([requirement, status, code]);
    }
    expect((await w.rssi.post(`/api/assessments/999999/answers/D2.O1.D/confirm`, { revision })).status).toBe(404);
    expect((await w.referent.post(`/api/assessments/${id}/answers/D2.O1.D/confirm`, { revision })).status).toBe(403);
    expect((await w.outsider.post(`/api/assessments/${id}/answers/D2.O1.D/confirm`, { revision })).status).toBe(403);
    expect((await w.rssi.get(`/api/assessments/${id}`)).body).toEqual(before);
  });

  test('after submission nothing can be confirmed; confirmations are audited', async () => {
    const revision = await revisionOf();
    expect((await w.rssi.post(`/api/assessments/${id}/submit`, { revision })).status).toBe(200);
    const late = await w.rssi.post(`/api/assessments/${id}/answers/D2.O1.D/confirm`, { revision: revision + 1 });
    expect(late.status).toBe(409);
    const actions = await auditActions(w.db, id);
    expect(actions.filter((a) => a === 'assessment.prefill_confirmed')).toHaveLength(1);
  });
});
