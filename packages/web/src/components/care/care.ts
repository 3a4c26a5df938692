/** Shapes of the CaRE API answers the pages read (the server's schemas are the reference) and their labels. */
import type { EstablishmentCategory } from '../../types.js';

export type Answer = { kind: 'level'; level: string } | { kind: 'dont_know' } | { kind: 'not_applicable' };
export type AssessmentStatus = 'draft' | 'submitted' | 'signed';
export type ObjectiveStatus = 'reached' | 'not_reached' | 'not_applicable';
export type RoadmapStatus = 'todo' | 'in_progress' | 'done' | 'dropped';

export interface StoredAnswer {
  answer: Answer | null;
  comment: string | null;
  updatedAt: string;
  updatedBy: number | null;
  source?: { tool: string; indicator: string; value: boolean | number | string; observedAt: string };
}

export interface Assessment {
  id: number;
  organisationId: number;
  referential: { id: string; version: number; name: string };
  category: EstablishmentCategory;
  status: AssessmentStatus;
  revision: number;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  signedAt: string | null;
}

export interface AssessmentWithAnswers extends Assessment {
  answers: Record<string, StoredAnswer>;
}

export interface ScaleLevel {
  id: string;
  label: string;
  score: number;
}
export interface Requirement {
  id: string;
  title: string;
  questions: string[];
  help?: string;
  scale: string;
  mandatory: boolean;
  applicability: EstablishmentCategory[];
  evidence: string[];
}
export interface Objective {
  id: string;
  title: string;
  description?: string;
  wording: { kind: 'official' | 'rempart' | 'imported' };
  requirements: Requirement[];
}
export interface Axis {
  id: string;
  title: string;
  objectives: Objective[];
}
export interface Referential {
  id: string;
  version: number;
  name: string;
  scales: Array<{ id: string; label: string; levels: ScaleLevel[]; metFrom: string }>;
  axes: Axis[];
}

export interface Score {
  overall: {
    score: number | null;
    objectivesReached: number;
    objectivesApplicable: number;
    completion: number;
    dontKnow: string[];
    unanswered: string[];
  };
  axes: Array<{ id: string; score: number | null; objectivesReached: number; objectivesApplicable: number }>;
  objectives: Array<{
    id: string;
    axisId: string;
    status: ObjectiveStatus;
    score: number | null;
    threshold: number;
    blockers: { belowThreshold: boolean; mandatoryUnmet: string[]; dependencies: string[] };
  }>;
}

export const ASSESSMENT_STATUS_LABELS: Record<AssessmentStatus | 'none', string> = {
  none: 'Non commencée',
  draft: 'Brouillon',
  submitted: 'Soumise',
  signed: 'Signée par la direction',
};
export const ASSESSMENT_STATUS_SEVERITY: Record<AssessmentStatus | 'none', 'error' | 'warning' | 'info' | 'success'> = {
  none: 'error',
  draft: 'warning',
  submitted: 'info',
  signed: 'success',
};

export const OBJECTIVE_STATUS: Record<
  ObjectiveStatus,
  { label: string; short: string; severity: 'success' | 'error' | 'info' }
> = {
  reached: { label: 'Atteint', short: 'A', severity: 'success' },
  not_reached: { label: 'Non atteint', short: 'N', severity: 'error' },
  not_applicable: { label: 'Non applicable', short: '—', severity: 'info' },
};

export const ROADMAP_STATUS_LABELS: Record<RoadmapStatus, string> = {
  todo: 'À faire',
  in_progress: 'En cours',
  done: 'Réalisée',
  dropped: 'Abandonnée',
};

/** A share 0–1 as a French percentage, or a dash. */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${Math.round(value * 100)} %`;
}

export function euros(value: number): string {
  return `${value.toLocaleString('fr-FR')} €`;
}

/** The requirements of a referential that apply to a category, in questionnaire order. */
export function applicable(objective: Objective, category: EstablishmentCategory): Requirement[] {
  return objective.requirements.filter((r) => r.applicability.length === 0 || r.applicability.includes(category));
}
