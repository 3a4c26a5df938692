import { describe, expect, it } from 'vitest';
import { level, mini } from '../../test/fixtures/mini-referential.js';
import { applyPrefill, indicatorReadingSchema, prefillAnswers, readingsFrom } from './indicators.js';
import { loadBundledReferential } from './loader.js';
import { scoreAssessment } from './scoring.js';

const audit = { tool: 'ad-audit', reference: 'run-42', observedAt: '2026-01-10T08:00:00Z' };

describe('prefillAnswers', () => {
  it('answers requirements from indicators with the rule and the source that gave each answer', () => {
    const prefill = prefillAnswers(
      mini,
      readingsFrom({ 'ad.audit_done': true, 'ad.anssi_level': 3, 'exposure.d1_cadence': true }, audit),
    );
    expect(prefill.answers).toEqual([
      {
        requirementId: 'R1',
        answer: { kind: 'level', level: 'yes' },
        source: { ...audit, indicator: 'ad.audit_done', value: true, rule: 0 },
      },
      {
        // 3 fails "gte 4", holds for "gte 2 and lt 4" → partial (rule 1).
        requirementId: 'R5',
        answer: { kind: 'level', level: 'partial' },
        source: { ...audit, indicator: 'ad.anssi_level', value: 3, rule: 1 },
      },
    ]);
    expect(prefill.unused).toEqual(['exposure.d1_cadence']);
    expect(prefill.invalid).toEqual([]);
  });

  it('uses the otherwise level when no rule holds, and leaves the answer open when there is none', () => {
    const prefill = prefillAnswers(mini, readingsFrom({ 'ad.audit_done': false, 'ad.anssi_level': 1 }, audit));
    expect(prefill.answers).toEqual([
      expect.objectContaining({
        requirementId: 'R1',
        answer: level('no'),
        source: expect.objectContaining({ rule: 'otherwise' }),
      }),
    ]);
    expect(prefill.unmatched).toEqual(['R5']);
  });

  it('refuses to pre-fill from a value of the wrong type instead of falling to "otherwise"', () => {
    const prefill = prefillAnswers(mini, readingsFrom({ 'ad.audit_done': 'true', 'ad.anssi_level': '3' }, audit));
    expect(prefill.answers).toEqual([]);
    expect(prefill.invalid.map((i) => i.requirementId)).toEqual(['R1', 'R5']);
    expect(prefill.invalid[0]!.reason).toContain('attendu boolean');
  });

  it('keeps the most recent reading of a key', () => {
    const older = { tool: 'ad-audit', observedAt: '2025-06-01T00:00:00Z' };
    const prefill = prefillAnswers(mini, [
      { key: 'ad.anssi_level', value: 5, source: audit },
      { key: 'ad.anssi_level', value: 2, source: older },
    ]);
    expect(prefill.answers[0]).toMatchObject({ answer: level('full'), source: { value: 5, reference: 'run-42' } });
  });

  it("merges into the respondent's answers without overwriting them unless asked", () => {
    const prefill = prefillAnswers(mini, readingsFrom({ 'ad.audit_done': false, 'ad.anssi_level': 4 }, audit));
    const own = { R1: level('yes') };
    expect(applyPrefill(own, prefill)).toEqual({ R1: level('yes'), R5: level('full') });
    expect(applyPrefill(own, prefill, { overwrite: true })).toEqual({ R1: level('no'), R5: level('full') });
  });

  it('pre-fills the CaRE self-assessment from AD, exposure and D2 audit results', async () => {
    const care = await loadBundledReferential('care-2025');
    const prefill = prefillAnswers(care, [
      ...readingsFrom({ 'ad.audit_done': true, 'ad.anssi_level': 3, 'ad.laps_coverage': 0.95 }, audit),
      ...readingsFrom(
        { 'exposure.d1_cadence': true, 'exposure.critical_findings': 2 },
        { tool: 'exposure', observedAt: '2026-01-12T00:00:00Z' },
      ),
      ...readingsFrom({ 'd2.restore_test_done': true }, { tool: 'declaration', observedAt: '2026-01-15T00:00:00Z' }),
    ]);
    const byId = Object.fromEntries(prefill.answers.map((p) => [p.requirementId, p.answer.level]));
    expect(byId).toEqual({
      'D1.AD.R1': 'yes',
      'D1.AD.R2': 'level_3',
      'D1.AD.R4': 'from_90',
      'D1.EXPO.R2': 'yes',
      'D1.EXPO.R3': 'no',
      'D2.O4.TEST': 'yes',
    });
    const score = scoreAssessment(care, applyPrefill({}, prefill), 'public');
    // D1.EXPO.R3 (mandatory, 2 critical findings) keeps D1.EXPO unreached.
    expect(score.objectives.find((o) => o.id === 'D1.EXPO')!.blockers.mandatoryUnmet).toContain('D1.EXPO.R3');
    expect(score.requirements.find((r) => r.id === 'D1.AD.R2')!.status).toBe('met');
  });

  it('validates readings coming from outside', () => {
    const ok = { key: 'ad.anssi_level', value: 3, source: audit };
    expect(indicatorReadingSchema.parse(ok)).toEqual(ok);
    expect(indicatorReadingSchema.safeParse({ ...ok, key: 'AD level' }).success).toBe(false);
    expect(indicatorReadingSchema.safeParse({ ...ok, value: Number.NaN }).success).toBe(false);
    expect(indicatorReadingSchema.safeParse({ ...ok, value: { nested: true } }).success).toBe(false);
    expect(indicatorReadingSchema.safeParse({ ...ok, source: { tool: 'x', observedAt: 'hier' } }).success).toBe(false);
  });
});
