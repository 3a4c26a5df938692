import { z } from 'zod';
import type { EstablishmentCategory } from '../organisation/tree.js';
import { CareError } from './errors.js';
import {
  EFFORTS,
  type Effort,
  indexReferential,
  levelsByScore,
  PRIORITIES,
  type Priority,
  type Referential,
  type ReferentialRef,
  referentialRef,
} from './referential.js';
import { type Answers, type AssessmentScore, scoreAssessment } from './scoring.js';

export const ROADMAP_STATUSES = ['todo', 'in_progress', 'done', 'dropped'] as const;
export type RoadmapStatus = (typeof ROADMAP_STATUSES)[number];

export const ROADMAP_STATUS_LABELS: Record<RoadmapStatus, string> = {
  todo: 'À faire',
  in_progress: 'En cours',
  done: 'Terminé',
  dropped: 'Abandonné',
};

/** What a user may change on a roadmap item; kept when the roadmap is generated again. */
export interface RoadmapEdit {
  measureId: string;
  owner: string | null;
  dueDate: string | null;
  status: RoadmapStatus;
  /** Edited costs in euros (HT); null or absent keeps the referential's estimate. */
  costBuild?: number | null;
  costRun?: number | null;
}

/** Highest cost a user may enter for one measure, in euros: beyond it the figure is a typing error. */
export const MAX_MEASURE_COST = 100_000_000;
const cost = z.number().int().min(0).max(MAX_MEASURE_COST);

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)));

export const roadmapEditSchema = z.strictObject({
  measureId: z.string().min(1).max(64),
  owner: z.string().trim().min(1).max(200).nullable(),
  dueDate: isoDate.nullable(),
  status: z.enum(ROADMAP_STATUSES),
  costBuild: cost.nullable().optional(),
  costRun: cost.nullable().optional(),
});

export interface RoadmapItem extends RoadmapEdit {
  rank: number;
  title: string;
  why: string;
  how: string;
  effort: Effort;
  priority: Priority;
  /** The costs counted: the edited ones where set, else the referential's estimate. */
  cost: { build: number; run: number };
  costBuild: number | null;
  costRun: number | null;
  /** The referential's estimate, kept to show beside an edited cost. */
  estimate: { build: number; run: number };
  /** Where the owner comes from: the measure's own, the owner of an objective it serves, or none yet. */
  ownerFrom: 'measure' | 'objective' | null;
  /** Requirements not met (unmet, don't know or unanswered) that this measure addresses. */
  requirements: string[];
  /** Objectives those requirements belong to. */
  objectives: string[];
  /** True when it addresses an unmet mandatory requirement: such objectives stay unreached without it. */
  mandatory: boolean;
  /** Objectives that would become reached if all its requirements were met (dependencies included). */
  unblocks: string[];
  /** Overall score gained, 0 to 1, if all its requirements were met. */
  gain: number;
}

export interface Roadmap {
  referential: ReferentialRef;
  category: EstablishmentCategory;
  generatedOn: string;
  items: RoadmapItem[];
  totals: { build: number; run: number };
  /** Measures edited in a previous roadmap that no longer address any gap. */
  resolved: string[];
}

/** Default delay, in days from generation, before a measure of each priority is due. */
export const DEFAULT_DUE_DAYS: Record<Priority, number> = { P1: 90, P2: 180, P3: 365, P4: 540 };

export interface RoadmapOptions {
  /** Generation date, `YYYY-MM-DD` (passed in so the function stays pure). */
  today: string;
  previous?: readonly RoadmapEdit[];
  /** Owner of each objective (display name): a measure without its own owner takes its objectives' owner. */
  objectiveOwners?: Readonly<Record<string, string>>;
  dueDays?: Record<Priority, number>;
}

function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

const GAP_STATUSES = new Set(['unmet', 'dont_know', 'unanswered']);

/** Answers as if the given requirements were fully met (their scale's highest level). */
function withRequirementsMet(referential: Referential, answers: Answers, ids: readonly string[]): Answers {
  const index = indexReferential(referential);
  const next: Record<string, Answers[string]> = { ...answers };
  for (const id of ids) {
    const scale = index.scales.get(index.requirements.get(id)!.requirement.scale)!;
    next[id] = { kind: 'level', level: levelsByScore(scale).at(-1)!.id };
  }
  return next;
}

function compareItems(a: RoadmapItem, b: RoadmapItem): number {
  return (
    Number(b.mandatory) - Number(a.mandatory) ||
    PRIORITIES.indexOf(a.priority) - PRIORITIES.indexOf(b.priority) ||
    b.unblocks.length - a.unblocks.length ||
    b.gain - a.gain ||
    EFFORTS.indexOf(a.effort) - EFFORTS.indexOf(b.effort) ||
    a.cost.build - b.cost.build ||
    a.measureId.localeCompare(b.measureId)
  );
}

/**
 * Builds the cyber roadmap from the gaps of a self-assessment: one item per recommended measure that
 * addresses at least one requirement not met. Items are ranked: measures that lift a mandatory blocker
 * first, then by priority, then by the number of objectives they would make reached, then by score gain,
 * then the lighter effort. Owner, due date, status and cost edits of a previous roadmap are kept; a measure
 * without its own owner takes the owner of the first objective it serves that has one.
 */
export function generateRoadmap(
  referential: Referential,
  answers: Answers,
  category: EstablishmentCategory,
  options: RoadmapOptions,
): Roadmap {
  if (!isoDate.safeParse(options.today).success) {
    throw new CareError('invalid_answer', `date de génération invalide : ${options.today}`);
  }
  const dueDays = options.dueDays ?? DEFAULT_DUE_DAYS;
  const baseline = scoreAssessment(referential, answers, category);
  const index = indexReferential(referential);
  const reachedBefore = new Set(baseline.objectives.filter((o) => o.reached).map((o) => o.id));
  const gaps = baseline.requirements.filter((r) => GAP_STATUSES.has(r.status));

  const byMeasure = new Map<string, string[]>();
  for (const gap of gaps) {
    for (const measureId of index.requirements.get(gap.id)!.requirement.measures) {
      const list = byMeasure.get(measureId) ?? [];
      list.push(gap.id);
      byMeasure.set(measureId, list);
    }
  }

  const previous = new Map((options.previous ?? []).map((e) => [e.measureId, e]));
  const items: RoadmapItem[] = [];
  for (const [measureId, requirementIds] of byMeasure) {
    const measure = index.measures.get(measureId)!;
    const simulated: AssessmentScore = scoreAssessment(
      referential,
      withRequirementsMet(referential, answers, requirementIds),
      category,
    );
    const objectives = [...new Set(requirementIds.map((id) => index.requirements.get(id)!.objective.id))];
    const edit = previous.get(measureId);
    const objectiveOwner = objectives.map((id) => options.objectiveOwners?.[id]).find((o) => o !== undefined);
    const owner = edit?.owner ?? objectiveOwner ?? null;
    const costBuild = edit?.costBuild ?? null;
    const costRun = edit?.costRun ?? null;
    items.push({
      rank: 0,
      measureId,
      title: measure.title,
      why: measure.why,
      how: measure.how,
      effort: measure.effort,
      priority: measure.priority,
      cost: { build: costBuild ?? measure.cost.build, run: costRun ?? measure.cost.run },
      estimate: { build: measure.cost.build, run: measure.cost.run },
      costBuild,
      costRun,
      requirements: requirementIds,
      objectives,
      mandatory: gaps.some((g) => g.mandatory && requirementIds.includes(g.id)),
      unblocks: simulated.objectives.filter((o) => o.reached && !reachedBefore.has(o.id)).map((o) => o.id),
      gain: Math.max(0, (simulated.overall.score ?? 0) - (baseline.overall.score ?? 0)),
      owner,
      ownerFrom: edit?.owner ? 'measure' : owner ? 'objective' : null,
      dueDate: edit ? edit.dueDate : addDays(options.today, dueDays[measure.priority]),
      status: edit?.status ?? 'todo',
    });
  }
  items.sort(compareItems);
  items.forEach((item, i) => {
    item.rank = i + 1;
  });

  const open = items.filter((i) => i.status !== 'dropped' && i.status !== 'done');
  return {
    referential: referentialRef(referential),
    category,
    generatedOn: options.today,
    items,
    totals: {
      build: open.reduce((sum, i) => sum + i.cost.build, 0),
      run: open.reduce((sum, i) => sum + i.cost.run, 0),
    },
    resolved: [...previous.keys()].filter((id) => !byMeasure.has(id)).sort(),
  };
}
