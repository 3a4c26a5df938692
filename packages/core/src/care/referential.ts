import { ESTABLISHMENT_CATEGORIES, type EstablishmentCategory } from '../organisation/tree.js';

/** Format tag at the top of every Rempart referential file; bumped when the file shape changes. */
export const REFERENTIAL_FORMAT = 'rempart-referential/1';

export const CATEGORIES: readonly EstablishmentCategory[] = ESTABLISHMENT_CATEGORIES;

/**
 * Where the wording of an axis, objective or requirement comes from. `official` only when the text is
 * taken from a public official source (its URL is kept); `rempart` when Rempart wrote it because the
 * official wording is not public; `imported` when it came from another tool's library.
 */
export type Wording =
  | { kind: 'official'; source: string }
  | { kind: 'rempart'; note?: string }
  | { kind: 'imported'; library: string; provider?: string };

export interface ScaleLevel {
  id: string;
  label: string;
  /** Share of the requirement's weight earned by this answer, 0 to 1. */
  score: number;
}

export interface AnswerScale {
  id: string;
  label: string;
  levels: ScaleLevel[];
  /** First level (in score order) from which the requirement counts as met. */
  metFrom: string;
}

export type Effort = 'low' | 'medium' | 'high';
export const EFFORTS: readonly Effort[] = ['low', 'medium', 'high'];
export type Priority = 'P1' | 'P2' | 'P3' | 'P4';
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];

/** A measure recommended when a requirement is not met; costs are rough estimates in euros excluding tax. */
export interface Measure {
  id: string;
  title: string;
  why: string;
  how: string;
  effort: Effort;
  priority: Priority;
  cost: { build: number; run: number; note?: string };
}

/** A comparison on an indicator value; every bound given must hold. */
export interface IndicatorCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  equals?: boolean | number | string;
}

/** How a technical indicator answers a requirement: the first rule whose condition holds gives the level. */
export interface IndicatorMapping {
  /** Indicator key produced by an audit, e.g. `ad.anssi_level`, `exposure.d1_cadence`, `d2.restore_test_done`. */
  key: string;
  answers: { when: IndicatorCondition; level: string }[];
  /** Level when no rule holds; without it the requirement is left for the respondent to answer. */
  otherwise?: string;
}

export interface Requirement {
  id: string;
  title: string;
  questions: string[];
  help?: string;
  scale: string;
  weight: number;
  mandatory: boolean;
  applicability: EstablishmentCategory[];
  evidence: string[];
  indicator?: IndicatorMapping;
  measures: string[];
  wording: Wording;
}

export interface ReachedRule {
  /** Minimum weighted score, 0 to 1. Mandatory requirements and `dependsOn` come on top of it. */
  threshold: number;
}

export interface Objective {
  id: string;
  title: string;
  description?: string;
  weight: number;
  wording: Wording;
  reached: ReachedRule;
  /** Objectives that must be reached before this one can be (e.g. the D2 prerequisites). */
  dependsOn: string[];
  requirements: Requirement[];
}

export interface Axis {
  id: string;
  title: string;
  description?: string;
  weight: number;
  wording: Wording;
  objectives: Objective[];
}

export interface ChangeLogEntry {
  version: number;
  date: string;
  changes: string[];
}

export interface Provenance {
  publisher: string;
  sources: { title: string; url: string }[];
  licence?: string;
  note?: string;
}

/** A versioned framework: axes → objectives → requirements, with its answer scales and measures. */
export interface Referential {
  id: string;
  urn: string;
  version: number;
  locale: string;
  name: string;
  description: string;
  publicationDate: string;
  provenance: Provenance;
  changelog: ChangeLogEntry[];
  scales: AnswerScale[];
  measures: Measure[];
  axes: Axis[];
}

/** The id and version a result was computed with; stored with every assessment and score. */
export interface ReferentialRef {
  id: string;
  version: number;
}

export function referentialRef(referential: Referential): ReferentialRef {
  return { id: referential.id, version: referential.version };
}

/** Lookup tables over a referential, built once per referential object. */
export interface ReferentialIndex {
  requirements: Map<string, { requirement: Requirement; objective: Objective; axis: Axis }>;
  objectives: Map<string, { objective: Objective; axis: Axis }>;
  scales: Map<string, AnswerScale>;
  measures: Map<string, Measure>;
}

const indexes = new WeakMap<Referential, ReferentialIndex>();

export function indexReferential(referential: Referential): ReferentialIndex {
  const cached = indexes.get(referential);
  if (cached) return cached;
  const index: ReferentialIndex = {
    requirements: new Map(),
    objectives: new Map(),
    scales: new Map(referential.scales.map((s) => [s.id, s])),
    measures: new Map(referential.measures.map((m) => [m.id, m])),
  };
  for (const axis of referential.axes) {
    for (const objective of axis.objectives) {
      index.objectives.set(objective.id, { objective, axis });
      for (const requirement of objective.requirements) {
        index.requirements.set(requirement.id, { requirement, objective, axis });
      }
    }
  }
  indexes.set(referential, index);
  return index;
}

/** Levels of a scale from the lowest score to the highest. */
export function levelsByScore(scale: AnswerScale): ScaleLevel[] {
  return [...scale.levels].sort((a, b) => a.score - b.score);
}

/** Score from which an answer on this scale counts as met. */
export function metThreshold(scale: AnswerScale): number {
  const level = scale.levels.find((l) => l.id === scale.metFrom);
  return level ? level.score : 1;
}
