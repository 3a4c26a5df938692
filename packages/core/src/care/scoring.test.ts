import { describe, expect, it } from 'vitest';
import { CASE_A, DONT_KNOW, level, mini, NOT_APPLICABLE } from '../../test/fixtures/mini-referential.js';
import { CareError } from './errors.js';
import { answersSchema, scoreAssessment } from './scoring.js';

const objective = (result: ReturnType<typeof scoreAssessment>, id: string) =>
  result.objectives.find((o) => o.id === id)!;
const axis = (result: ReturnType<typeof scoreAssessment>, id: string) => result.axes.find((a) => a.id === id)!;

describe('scoreAssessment — case A, public establishment', () => {
  // R1 yes (1), R2 partial (0.5), R3 don't know (0), R4 yes (1), R5 N/A, R6 full (1), R7 no (0).
  const result = scoreAssessment(mini, CASE_A, 'public');

  it('records the referential id and version it used', () => {
    expect(result.referential).toEqual({ id: 'mini', version: 3 });
    expect(result.category).toBe('public');
  });

  it('weights the requirements of an objective, counting "don\'t know" as 0 and reporting it', () => {
    // O1 = (3×1 + 1×0.5 + 2×0) / (3 + 1 + 2) = 3.5 / 6 = 0.58333… < 0.7
    const o1 = objective(result, 'O1');
    expect(o1.score).toBeCloseTo(3.5 / 6, 10);
    expect(o1.reached).toBe(false);
    expect(o1.blockers).toEqual({ belowThreshold: true, mandatoryUnmet: [], dependencies: [] });
    expect(o1.dontKnow).toEqual(['R3']);
    expect(result.overall.dontKnow).toEqual(['R3']);
  });

  it('removes the weight of a "not applicable" answer', () => {
    // O2 = (1×1) / 1 = 1 — R5 answered N/A leaves only R4.
    expect(objective(result, 'O2').score).toBe(1);
    expect(result.requirements.find((r) => r.id === 'R5')).toMatchObject({ status: 'not_applicable', weight: 0 });
  });

  it('keeps an objective unreached while an objective it depends on is not reached', () => {
    // O2 scores 1 ≥ 0.5 but depends on O1, which is not reached.
    expect(objective(result, 'O2')).toMatchObject({
      reached: false,
      status: 'not_reached',
      blockers: { belowThreshold: false, mandatoryUnmet: [], dependencies: ['O1'] },
    });
  });

  it('a mandatory requirement unmet keeps the objective unreached whatever the average', () => {
    // O3 = (2×1 + 2×0) / 4 = 0.5 ≥ threshold 0.5, but mandatory R7 is answered "no".
    const o3 = objective(result, 'O3');
    expect(o3.score).toBe(0.5);
    expect(o3.blockers).toEqual({ belowThreshold: false, mandatoryUnmet: ['R7'], dependencies: [] });
    expect(o3.reached).toBe(false);
  });

  it('weights objectives within an axis and axes overall', () => {
    // G = (2 × 0.58333 + 1 × 1) / 3 = 2.16667 / 3 = 0.72222
    expect(axis(result, 'G').score).toBeCloseTo((2 * (3.5 / 6) + 1) / 3, 10);
    // T = 0.5 (its only objective)
    expect(axis(result, 'T').score).toBe(0.5);
    // overall = (1 × 0.72222 + 3 × 0.5) / 4 = 2.22222 / 4 = 0.55556
    expect(result.overall.score).toBeCloseTo(((2 * (3.5 / 6) + 1) / 3 + 1.5) / 4, 10);
    expect(result.overall).toMatchObject({ objectivesReached: 0, objectivesApplicable: 3 });
    // Counted requirements: R1, R2, R3, R4, R6, R7 = 6; answered with a level: 5 → 5/6.
    expect(result.overall.requirementsCounted).toBe(6);
    expect(result.overall.completion).toBeCloseTo(5 / 6, 10);
  });
});

describe('scoreAssessment — applicability by category', () => {
  it('drops a requirement that does not apply to the category from the weights', () => {
    // Private for-profit: R3 (public only) is out of scope whatever was answered.
    // O1 = (3×1 + 1×0.5) / 4 = 0.875 ≥ 0.7, mandatory R1 met → reached; then O2 (score 1) is reached too.
    const result = scoreAssessment(mini, CASE_A, 'private_for_profit');
    expect(result.requirements.find((r) => r.id === 'R3')).toMatchObject({ status: 'out_of_scope', score: null });
    expect(objective(result, 'O1')).toMatchObject({ score: 0.875, reached: true, dontKnow: [] });
    expect(objective(result, 'O2')).toMatchObject({ reached: true, status: 'reached' });
    // G = (2×0.875 + 1×1) / 3 = 2.75 / 3 = 0.91667; overall = (0.91667 + 3×0.5) / 4 = 0.60417
    expect(result.overall.score).toBeCloseTo((2.75 / 3 + 1.5) / 4, 10);
    expect(result.overall.objectivesReached).toBe(2);
  });
});

describe('scoreAssessment — edge cases', () => {
  it('counts an unanswered requirement as 0 and reports it apart from "don\'t know"', () => {
    // Only R1 = yes: O1 = 3 / 6 = 0.5 (R2, R3 unanswered count 0).
    const result = scoreAssessment(mini, { R1: level('yes') }, 'public');
    expect(objective(result, 'O1').score).toBe(0.5);
    expect(objective(result, 'O1').unanswered).toEqual(['R2', 'R3']);
    expect(result.overall.unanswered).toEqual(['R2', 'R3', 'R4', 'R5', 'R6', 'R7']);
    expect(result.overall.dontKnow).toEqual([]);
    expect(result.overall.completion).toBeCloseTo(1 / 7, 10);
  });

  it('a mandatory "don\'t know" blocks the objective like an unmet answer', () => {
    // O3: R6 full, R7 don't know → (2×1 + 2×0)/4 = 0.5 ≥ 0.5 but R7 mandatory not met.
    const result = scoreAssessment(mini, { R6: level('full'), R7: DONT_KNOW }, 'public');
    expect(objective(result, 'O3').blockers.mandatoryUnmet).toEqual(['R7']);
    expect(objective(result, 'O3').reached).toBe(false);
  });

  it('an objective answered all N/A is not applicable and does not block the objectives depending on it', () => {
    // O1 all N/A → not applicable, no score; O2 = (1×1 + 1×1)/2 = 1 and its dependency is satisfied.
    const answers = { R1: NOT_APPLICABLE, R2: NOT_APPLICABLE, R3: NOT_APPLICABLE, R4: level('yes'), R5: level('full') };
    const result = scoreAssessment(mini, answers, 'public');
    expect(objective(result, 'O1')).toMatchObject({ status: 'not_applicable', score: null, reached: false });
    expect(objective(result, 'O2')).toMatchObject({ status: 'reached', score: 1 });
    // G = O2 alone = 1; T = O3 = 0 (unanswered); overall = (1×1 + 3×0)/4 = 0.25
    expect(axis(result, 'G')).toMatchObject({ score: 1, objectivesReached: 1, objectivesApplicable: 1 });
    expect(result.overall.score).toBe(0.25);
  });

  it('reaches everything when everything is met', () => {
    const all = { R1: level('yes'), R2: level('full'), R3: level('full'), R4: level('yes'), R5: level('full') };
    const result = scoreAssessment(mini, { ...all, R6: level('full'), R7: level('yes') }, 'public');
    expect(result.objectives.every((o) => o.reached)).toBe(true);
    expect(result.overall).toMatchObject({ score: 1, objectivesReached: 3, completion: 1 });
  });

  it("a partial level below the scale's met level scores but is not met", () => {
    const result = scoreAssessment(mini, { R2: level('partial') }, 'public');
    expect(result.requirements.find((r) => r.id === 'R2')).toMatchObject({ status: 'unmet', score: 0.5 });
  });

  it('refuses answers to unknown requirements and unknown levels with a stable code', () => {
    expect(() => scoreAssessment(mini, { R99: level('yes') }, 'public')).toThrow(
      expect.objectContaining({ code: 'unknown_requirement' }),
    );
    const error = (() => {
      try {
        scoreAssessment(mini, { R1: level('peut-être') }, 'public');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CareError);
    expect(error).toMatchObject({ code: 'unknown_level' });
  });

  it('parses external answers with a schema and rejects malformed ones', () => {
    expect(answersSchema.parse({ R1: { kind: 'level', level: 'yes' }, R2: { kind: 'dont_know' } })).toEqual({
      R1: { kind: 'level', level: 'yes' },
      R2: { kind: 'dont_know' },
    });
    expect(answersSchema.safeParse({ R1: { kind: 'maybe' } }).success).toBe(false);
    expect(answersSchema.safeParse({ R1: { kind: 'level' } }).success).toBe(false);
    expect(answersSchema.safeParse({ R1: { kind: 'dont_know', level: 'x' } }).success).toBe(false);
    expect(answersSchema.safeParse([]).success).toBe(false);
  });

  it('scores the shipped CaRE referential end to end for every category', async () => {
    const { loadBundledReferential } = await import('./loader.js');
    const care = await loadBundledReferential('care-2025');
    for (const category of ['public', 'private_non_profit', 'private_for_profit', 'medico_social'] as const) {
      const result = scoreAssessment(care, {}, category);
      expect(result.overall.score).toBe(0);
      expect(result.referential).toEqual({ id: 'care', version: care.version });
    }
    // D2 does not apply to medico-social establishments: its objectives are not applicable.
    const ms = scoreAssessment(care, {}, 'medico_social');
    expect(ms.objectives.find((o) => o.id === 'D2.O3')!.status).toBe('not_applicable');
  });
});
