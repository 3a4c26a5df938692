import { describe, expect, it } from 'vitest';
import type { ContinuityDossier } from '../continuity/d2-indicators.js';
import { smallHospitalDossier } from '../continuity/testing/small-hospital.js';
import { d2Readings, d2StatusKey } from './d2-readings.js';
import { prefillAnswers } from './indicators.js';
import { loadBundledReferential } from './loader.js';

const SOURCE = { tool: 'continuity', observedAt: '2026-04-01T08:00:00.000Z' };
const OPTIONS = { asOf: '2026-04-01' };

describe('D2 readings from the continuity dossier', () => {
  it('names one status reading per D2 indicator', () => {
    expect(d2StatusKey('D2.P1')).toBe('d2.p1');
    expect(d2StatusKey('D2.O1.A')).toBe('d2.o1_a');
    expect(d2StatusKey('D2.O4')).toBe('d2.o4');
  });

  it('gives the 13 statuses and the three measured keys for a complete dossier, each with its source', () => {
    const readings = d2Readings(smallHospitalDossier(), OPTIONS, SOURCE);
    const byKey = new Map(readings.map((r) => [r.key, r]));
    expect(readings.filter((r) => /^d2\.(p\d|o\d(_[a-d])?)$/.test(r.key))).toHaveLength(13);
    expect(byKey.get('d2.p1')!.value).toBe('met');
    expect(byKey.get('d2.backup_auth_independent')!.value).toBe(true);
    expect(byKey.get('d2.restore_test_done')!.value).toBe(true);
    expect(byKey.get('d2.pca_test_coverage')!.value).toBe(1);
    expect(byKey.get('d2.restore_test_done')!.source).toEqual({
      ...SOURCE,
      reference: expect.stringMatching(/^indicateur D2\.O4 — /),
    });
  });

  it('gives nothing for an empty dossier (no data is left to the respondent)', () => {
    const empty: ContinuityDossier = {
      graph: { activities: [], components: [], dependencies: [] },
      datasets: [],
      exercises: [],
      documents: [],
    };
    expect(d2Readings(empty, OPTIONS, SOURCE)).toEqual([]);
  });

  it('pre-fills the D2 requirements of the CaRE referential that map a D2 indicator', async () => {
    const care = await loadBundledReferential('care-2025');
    const prefill = prefillAnswers(care, d2Readings(smallHospitalDossier(), OPTIONS, SOURCE));
    const answers = Object.fromEntries(prefill.answers.map((a) => [a.requirementId, a.answer.level]));
    expect(answers).toMatchObject({ 'D2.O1.D': 'from_66', 'D2.O3.A': 'yes', 'D2.O4.TEST': 'yes' });
    expect(prefill.invalid).toEqual([]);
  });

  it('a restore test that failed reads as not done and pre-fills "no"', async () => {
    const dossier = smallHospitalDossier();
    dossier.exercises = dossier.exercises.map((e) =>
      e.restore ? { ...e, restore: { ...e.restore, success: false } } : e,
    );
    const readings = d2Readings(dossier, OPTIONS, SOURCE);
    expect(readings.find((r) => r.key === 'd2.o4')!.value).toBe('not_met');
    expect(readings.find((r) => r.key === 'd2.restore_test_done')!.value).toBe(false);
    const care = await loadBundledReferential('care-2025');
    const prefill = prefillAnswers(care, readings);
    expect(prefill.answers.find((a) => a.requirementId === 'D2.O4.TEST')!.answer.level).toBe('no');
  });
});
