import { z } from 'zod';
import type { EstablishmentCategory } from '../organisation/tree.js';
import { CareError } from './errors.js';
import {
  indexReferential,
  metThreshold,
  type Objective,
  type Referential,
  type ReferentialRef,
  type Requirement,
  referentialRef,
} from './referential.js';

/** One answer to a requirement: a level of its scale, or an explicit "don't know" / "not applicable". */
export type Answer = { kind: 'level'; level: string } | { kind: 'dont_know' } | { kind: 'not_applicable' };

/** Answers keyed by requirement id; a requirement without an entry is unanswered. */
export type Answers = Readonly<Record<string, Answer>>;

export const answerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('level'), level: z.string().min(1).max(64) }),
  z.strictObject({ kind: z.literal('dont_know') }),
  z.strictObject({ kind: z.literal('not_applicable') }),
]);

export const answersSchema = z.record(z.string().min(1).max(64), answerSchema);

/**
 * - `met` / `unmet`: answered with a level, at or above (below) the scale's `met_from` level;
 * - `dont_know`: counts as 0 and is reported; `unanswered`: the same, reported apart;
 * - `not_applicable`: answered N/A, its weight is removed;
 * - `out_of_scope`: not applicable to the establishment's category, its weight is removed.
 */
export type RequirementStatus = 'met' | 'unmet' | 'dont_know' | 'unanswered' | 'not_applicable' | 'out_of_scope';

export interface RequirementScore {
  id: string;
  objectiveId: string;
  status: RequirementStatus;
  mandatory: boolean;
  /** 0 to 1, or null when the weight is removed (N/A, out of scope). */
  score: number | null;
  /** Weight counted in the objective (0 when removed). */
  weight: number;
}

export interface ObjectiveScore {
  id: string;
  axisId: string;
  /** `not_applicable` when none of its requirements counts (all N/A or out of scope). */
  status: 'reached' | 'not_reached' | 'not_applicable';
  reached: boolean;
  /** Weighted average of its counted requirements, 0 to 1, or null when not applicable. */
  score: number | null;
  threshold: number;
  /** Why it is not reached: below threshold, mandatory requirements not met, prerequisite objectives not reached. */
  blockers: { belowThreshold: boolean; mandatoryUnmet: string[]; dependencies: string[] };
  dontKnow: string[];
  unanswered: string[];
}

export interface AxisScore {
  id: string;
  /** Average of its objectives' scores weighted by objective weight, or null when none applies. */
  score: number | null;
  objectivesReached: number;
  objectivesApplicable: number;
}

export interface OverallScore {
  /** Average of the axes' scores weighted by axis weight, or null when nothing applies. */
  score: number | null;
  objectivesReached: number;
  objectivesApplicable: number;
  requirementsCounted: number;
  /** Share of the counted requirements that have an answer other than "don't know", 0 to 1. */
  completion: number;
  dontKnow: string[];
  unanswered: string[];
}

/** A self-assessment's scores; always records the referential id and version it was computed with. */
export interface AssessmentScore {
  referential: ReferentialRef;
  category: EstablishmentCategory;
  requirements: RequirementScore[];
  objectives: ObjectiveScore[];
  axes: AxisScore[];
  overall: OverallScore;
}

// Weighted averages are compared with thresholds after floating-point sums: tolerate rounding noise.
const EPSILON = 1e-9;

function weightedAverage(items: { value: number; weight: number }[]): number | null {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  if (total === 0) return null;
  return items.reduce((sum, i) => sum + i.value * i.weight, 0) / total;
}

function scoreRequirement(
  referential: Referential,
  requirement: Requirement,
  objective: Objective,
  answer: Answer | undefined,
  category: EstablishmentCategory,
): RequirementScore {
  const base = { id: requirement.id, objectiveId: objective.id, mandatory: requirement.mandatory };
  if (!requirement.applicability.includes(category)) {
    return { ...base, status: 'out_of_scope', score: null, weight: 0 };
  }
  if (answer === undefined) return { ...base, status: 'unanswered', score: 0, weight: requirement.weight };
  switch (answer.kind) {
    case 'not_applicable':
      return { ...base, status: 'not_applicable', score: null, weight: 0 };
    case 'dont_know':
      return { ...base, status: 'dont_know', score: 0, weight: requirement.weight };
    case 'level': {
      const scale = indexReferential(referential).scales.get(requirement.scale)!;
      const level = scale.levels.find((l) => l.id === answer.level);
      if (!level) {
        throw new CareError(
          'unknown_level',
          `réponse « ${answer.level} » inconnue pour l’exigence ${requirement.id} (échelle ${scale.id})`,
        );
      }
      const met = level.score >= metThreshold(scale) - EPSILON;
      return { ...base, status: met ? 'met' : 'unmet', score: level.score, weight: requirement.weight };
    }
  }
}

/** Throws a `CareError` if an answer names a requirement the referential does not have. */
export function checkAnswers(referential: Referential, answers: Answers): void {
  const { requirements } = indexReferential(referential);
  for (const id of Object.keys(answers)) {
    if (!requirements.has(id)) {
      throw new CareError(
        'unknown_requirement',
        `exigence « ${id} » absente du référentiel ${referential.id} v${referential.version}`,
      );
    }
  }
}

/**
 * Scores a self-assessment against a referential for an establishment of the given category: per
 * requirement, objective, axis and overall. Pure: same inputs, same result.
 *
 * An objective is reached when it applies, its weighted score reaches its threshold, none of its
 * counted mandatory requirements is unmet (a mandatory "don't know" or unanswered counts as unmet),
 * and every objective it depends on is reached or not applicable.
 */
export function scoreAssessment(
  referential: Referential,
  answers: Answers,
  category: EstablishmentCategory,
): AssessmentScore {
  checkAnswers(referential, answers);
  const requirements: RequirementScore[] = [];
  const partial = new Map<string, Omit<ObjectiveScore, 'reached' | 'status'> & { applies: boolean }>();
  for (const axis of referential.axes) {
    for (const objective of axis.objectives) {
      const scores = objective.requirements.map((r) =>
        scoreRequirement(referential, r, objective, answers[r.id], category),
      );
      requirements.push(...scores);
      const counted = scores.filter((s) => s.score !== null);
      const score = weightedAverage(counted.map((s) => ({ value: s.score!, weight: s.weight })));
      partial.set(objective.id, {
        id: objective.id,
        axisId: axis.id,
        applies: score !== null,
        score,
        threshold: objective.reached.threshold,
        blockers: {
          belowThreshold: score !== null && score < objective.reached.threshold - EPSILON,
          mandatoryUnmet: counted.filter((s) => s.mandatory && s.status !== 'met').map((s) => s.id),
          dependencies: [],
        },
        dontKnow: scores.filter((s) => s.status === 'dont_know').map((s) => s.id),
        unanswered: scores.filter((s) => s.status === 'unanswered').map((s) => s.id),
      });
    }
  }

  const { objectives: objectiveIndex } = indexReferential(referential);
  const reachedById = new Map<string, boolean>();
  const resolving = new Set<string>();
  // Reached-or-not-applicable, resolved through dependencies (the validator guarantees no cycle).
  const satisfied = (id: string): boolean => {
    const known = reachedById.get(id);
    if (known !== undefined) return known;
    if (resolving.has(id)) return false;
    resolving.add(id);
    const entry = partial.get(id)!;
    const deps = objectiveIndex.get(id)!.objective.dependsOn;
    entry.blockers.dependencies = deps.filter((dep) => !satisfied(dep));
    const ok =
      !entry.applies ||
      (!entry.blockers.belowThreshold &&
        entry.blockers.mandatoryUnmet.length === 0 &&
        entry.blockers.dependencies.length === 0);
    resolving.delete(id);
    reachedById.set(id, ok);
    return ok;
  };

  const objectives: ObjectiveScore[] = [...partial.values()].map(({ applies, ...entry }) => {
    const ok = satisfied(entry.id);
    const reached = applies && ok;
    return { ...entry, reached, status: applies ? (reached ? 'reached' : 'not_reached') : 'not_applicable' };
  });

  const axes: AxisScore[] = referential.axes.map((axis) => {
    const own = objectives.filter((o) => o.axisId === axis.id && o.score !== null);
    const weights = new Map(axis.objectives.map((o) => [o.id, o.weight]));
    return {
      id: axis.id,
      score: weightedAverage(own.map((o) => ({ value: o.score!, weight: weights.get(o.id)! }))),
      objectivesReached: own.filter((o) => o.reached).length,
      objectivesApplicable: own.length,
    };
  });

  const axisWeights = new Map(referential.axes.map((a) => [a.id, a.weight]));
  const counted = requirements.filter((r) => r.score !== null);
  const applicable = objectives.filter((o) => o.status !== 'not_applicable');
  return {
    referential: referentialRef(referential),
    category,
    requirements,
    objectives,
    axes,
    overall: {
      score: weightedAverage(
        axes.filter((a) => a.score !== null).map((a) => ({ value: a.score!, weight: axisWeights.get(a.id)! })),
      ),
      objectivesReached: applicable.filter((o) => o.reached).length,
      objectivesApplicable: applicable.length,
      requirementsCounted: counted.length,
      completion:
        counted.length === 0
          ? 1
          : counted.filter((r) => r.status === 'met' || r.status === 'unmet').length / counted.length,
      dontKnow: requirements.filter((r) => r.status === 'dont_know').map((r) => r.id),
      unanswered: requirements.filter((r) => r.status === 'unanswered').map((r) => r.id),
    },
  };
}
