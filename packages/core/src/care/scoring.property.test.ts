import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mini } from '../../test/fixtures/mini-referential.js';
import { CATEGORIES, indexReferential, levelsByScore } from './referential.js';
import { type Answer, scoreAssessment } from './scoring.js';

const { requirements, scales } = indexReferential(mini);
const ids = [...requirements.keys()];

/** Any answer a respondent could give to a requirement of the mini referential, or none. */
const answerFor = (id: string) => {
  const scale = scales.get(requirements.get(id)!.requirement.scale)!;
  return fc.oneof(
    fc.constant(undefined),
    fc.constant<Answer>({ kind: 'dont_know' }),
    fc.constant<Answer>({ kind: 'not_applicable' }),
    fc.constantFrom(...scale.levels.map((l): Answer => ({ kind: 'level', level: l.id }))),
  );
};
const answersArb = fc.record(Object.fromEntries(ids.map((id) => [id, answerFor(id)])));
const clean = (a: Record<string, Answer | undefined>) =>
  Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Record<string, Answer>;

describe('scoreAssessment properties', () => {
  it('keeps every score between 0 and 1 and never reaches an objective below its threshold', () => {
    fc.assert(
      fc.property(answersArb, fc.constantFrom(...CATEGORIES), (raw, category) => {
        const result = scoreAssessment(mini, clean(raw), category);
        for (const s of [...result.objectives, ...result.axes, result.overall]) {
          if (s.score !== null) expect(s.score >= 0 && s.score <= 1).toBe(true);
        }
        for (const o of result.objectives) {
          if (o.reached) expect(o.score! >= o.threshold - 1e-9 && o.blockers.mandatoryUnmet.length === 0).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never lowers a score or un-reaches an objective when one answer is raised to the top level', () => {
    fc.assert(
      fc.property(answersArb, fc.constantFrom(...ids), (raw, id) => {
        const before = clean(raw);
        if (before[id]?.kind === 'not_applicable') return;
        const top = levelsByScore(scales.get(requirements.get(id)!.requirement.scale)!).at(-1)!;
        const after = { ...before, [id]: { kind: 'level', level: top.id } as Answer };
        const a = scoreAssessment(mini, before, 'public');
        const b = scoreAssessment(mini, after, 'public');
        expect(b.overall.score! + 1e-9 >= a.overall.score!).toBe(true);
        for (const o of a.objectives) {
          if (o.reached) expect(b.objectives.find((x) => x.id === o.id)!.reached).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
