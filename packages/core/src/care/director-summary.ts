import { CareError } from './errors.js';
import { type Effort, indexReferential, PRIORITIES, type Priority, type Referential } from './referential.js';
import type { Roadmap } from './roadmap.js';
import type { AssessmentScore } from './scoring.js';

export const EFFORT_LABELS: Record<Effort, string> = { low: 'faible', medium: 'moyen', high: 'élevé' };

const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const percent = (value: number | null) => (value === null ? null : Math.round(value * 100));

/** Content of the one-page summary for the director and the board; the server renders it to PDF. */
export interface DirectorSummary {
  title: string;
  establishment: string;
  referential: string;
  date: string;
  /** Key messages, French sentences, most important first. */
  headlines: string[];
  overall: { scorePercent: number | null; objectivesReached: number; objectivesApplicable: number };
  axes: { title: string; scorePercent: number | null; objectivesReached: number; objectivesApplicable: number }[];
  /** Objectives held back by a mandatory requirement, with what blocks them. */
  blockers: { objective: string; missing: string[] }[];
  /** The first measures of the roadmap still to do. */
  priorities: {
    rank: number;
    title: string;
    priority: Priority;
    owner: string | null;
    dueDate: string | null;
    costBuild: string;
    costRun: string;
  }[];
  budget: {
    build: string;
    run: string;
    byPriority: { priority: Priority; build: string; run: string; measures: number }[];
  };
  progress: { done: number; inProgress: number; todo: number };
  attention: { dontKnow: number; unanswered: number };
}

export interface SummaryInput {
  establishment: string;
  referential: Referential;
  score: AssessmentScore;
  roadmap: Roadmap;
  date: string;
  /** How many measures to list (a page holds about five). */
  topMeasures?: number;
}

/** Builds the one-page French summary of a scored assessment and its roadmap. */
export function directorSummary(input: SummaryInput): DirectorSummary {
  const { referential, score, roadmap } = input;
  for (const ref of [score.referential, roadmap.referential]) {
    if (ref.id !== referential.id || ref.version !== referential.version) {
      throw new CareError(
        'referential_mismatch',
        `résultat calculé avec ${ref.id} v${ref.version}, référentiel fourni ${referential.id} v${referential.version}`,
      );
    }
  }
  const index = indexReferential(referential);
  const open = roadmap.items.filter((i) => i.status === 'todo' || i.status === 'in_progress');
  const overallPercent = percent(score.overall.score);
  const blockers = score.objectives
    .filter((o) => o.status === 'not_reached' && o.blockers.mandatoryUnmet.length > 0)
    .map((o) => ({
      objective: index.objectives.get(o.id)!.objective.title,
      missing: o.blockers.mandatoryUnmet.map((id) => index.requirements.get(id)!.requirement.title),
    }));

  const headlines = [
    overallPercent === null
      ? 'Aucune exigence du référentiel ne s’applique à cet établissement.'
      : `Score de maturité cyber : ${overallPercent} %, ${score.overall.objectivesReached} objectif(s) atteint(s) sur ${score.overall.objectivesApplicable}.`,
  ];
  if (blockers.length > 0) {
    headlines.push(`${blockers.length} objectif(s) bloqué(s) par une exigence obligatoire non satisfaite.`);
  }
  if (open.length > 0) {
    const build = open.reduce((s, i) => s + i.cost.build, 0);
    const run = open.reduce((s, i) => s + i.cost.run, 0);
    headlines.push(
      `${open.length} mesure(s) restent à conduire, pour un coût estimé de ${euros.format(build)} HT de mise en place et ${euros.format(run)} HT par an.`,
    );
  }
  const unknown = score.overall.dontKnow.length + score.overall.unanswered.length;
  if (unknown > 0) {
    headlines.push(
      `${unknown} exigence(s) sans réponse ou « ne sait pas » comptent pour zéro : les renseigner peut améliorer le score.`,
    );
  }

  return {
    title: 'Feuille de route cyber — synthèse pour la direction',
    establishment: input.establishment,
    referential: `${referential.name} (version ${referential.version})`,
    date: input.date,
    headlines,
    overall: {
      scorePercent: overallPercent,
      objectivesReached: score.overall.objectivesReached,
      objectivesApplicable: score.overall.objectivesApplicable,
    },
    axes: score.axes.map((a) => ({
      title: referential.axes.find((x) => x.id === a.id)!.title,
      scorePercent: percent(a.score),
      objectivesReached: a.objectivesReached,
      objectivesApplicable: a.objectivesApplicable,
    })),
    blockers,
    priorities: open.slice(0, input.topMeasures ?? 5).map((i) => ({
      rank: i.rank,
      title: i.title,
      priority: i.priority,
      owner: i.owner,
      dueDate: i.dueDate,
      costBuild: euros.format(i.cost.build),
      costRun: euros.format(i.cost.run),
    })),
    budget: {
      build: euros.format(open.reduce((s, i) => s + i.cost.build, 0)),
      run: euros.format(open.reduce((s, i) => s + i.cost.run, 0)),
      byPriority: PRIORITIES.map((priority) => {
        const own = open.filter((i) => i.priority === priority);
        return {
          priority,
          build: euros.format(own.reduce((s, i) => s + i.cost.build, 0)),
          run: euros.format(own.reduce((s, i) => s + i.cost.run, 0)),
          measures: own.length,
        };
      }),
    },
    progress: {
      done: roadmap.items.filter((i) => i.status === 'done').length,
      inProgress: roadmap.items.filter((i) => i.status === 'in_progress').length,
      todo: roadmap.items.filter((i) => i.status === 'todo').length,
    },
    attention: { dontKnow: score.overall.dontKnow.length, unanswered: score.overall.unanswered.length },
  };
}
