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

  it('version 2 of the CaRE referential pre-fills all 14 D2 requirements of a complete dossier', async () => {
    const care = await loadBundledReferential('care-2025-v2');
    expect(care.version).toBe(2);
    const prefill = prefillAnswers(care, d2Readings(smallHospitalDossier(), OPTIONS, SOURCE));
    expect(prefill.invalid).toEqual([]);
    const d2 = prefill.answers.filter((a) => a.requirementId.startsWith('D2.'));
    expect(Object.fromEntries(d2.map((a) => [a.requirementId, a.answer.level]))).toEqual({
      'D2.P1': 'yes',
      'D2.P2': 'yes',
      'D2.O1.A': 'yes',
      'D2.O1.B': 'yes',
      'D2.O1.C': 'from_66',
      'D2.O1.D': 'from_66',
      'D2.O2.A': 'yes',
      'D2.O2.B': 'yes',
      'D2.O3.A': 'yes',
      'D2.O3.B': 'achieved',
      'D2.O3.C': 'achieved',
      'D2.O3.D': 'yes',
      'D2.O4.TEST': 'yes',
      'D2.O4.REFERENT': 'yes',
    });
  });

  it('version 2 reads a partly met yes/no indicator as "no" and leaves a partly met trajectory to the respondent', async () => {
    const care = await loadBundledReferential('care-2025-v2');
    const readings = d2Readings(smallHospitalDossier(), OPTIONS, SOURCE).map((r) =>
      r.key === 'd2.o2_b' || r.key === 'd2.o3_b' ? { ...r, value: 'partially_met' } : r,
    );
    const levels = new Map(prefillAnswers(care, readings).answers.map((a) => [a.requirementId, a.answer.level]));
    expect(levels.get('D2.O2.B')).toBe('no');
    expect(levels.has('D2.O3.B')).toBe(false);
  });

  it('version 2 differs from version 1 only by its version, change log and D2 indicator mappings', async () => {
    const [v1, v2] = await Promise.all([loadBundledReferential('care-2025'), loadBundledReferential('care-2025-v2')]);
    const strip = (r: typeof v1) =>
      JSON.parse(
        JSON.stringify({ ...r, version: 0, changelog: [] }, (key, value) => (key === 'indicator' ? undefined : value)),
      );
    expect(strip(v2)).toEqual(strip(v1));
    expect(v2.changelog.map((c) => c.version)).toEqual([2, 1]);
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
