/** The dashboard's answer as the UI reads it, and its CSV export built in the browser (no CSV route in the API). */
import { CATEGORY_LABELS } from '../../labels.js';
import type { EstablishmentCategory } from '../../types.js';
import { ASSESSMENT_STATUS_LABELS, type AssessmentStatus, OBJECTIVE_STATUS, type ObjectiveStatus } from './care.js';

export interface DashboardItem {
  organisationId: number;
  name: string;
  kind: string;
  category: string | null;
  department: string | null;
  regionCode: string | null;
  status: AssessmentStatus | 'none';
  score: number | null;
  objectivesReached: number | null;
  objectivesApplicable: number | null;
  snapshotAt: string | null;
  objectives: Record<string, ObjectiveStatus>;
}
export interface Dashboard {
  referential: { id: string; version: number | null };
  counts: { organisations: number; assessed: number; submitted: number; signed: number };
  objectives: Array<{ id: string; title: string; reached: number; applicable: number; share: number | null }>;
  items: DashboardItem[];
}

/** One CSV field, quoted, with formula-looking text neutralised for spreadsheets. */
export function csvField(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function toCsv(data: Dashboard, ids: string[]): string {
  const header = [
    'Établissement',
    'Catégorie',
    'Département',
    'Région',
    'Statut',
    'Score',
    'Objectifs atteints',
    ...ids,
  ];
  const lines = data.items.map((i) => [
    i.name,
    i.category ? (CATEGORY_LABELS[i.category as EstablishmentCategory] ?? i.category) : '',
    i.department,
    i.regionCode,
    ASSESSMENT_STATUS_LABELS[i.status],
    i.score === null ? '' : (Math.round(i.score * 1000) / 10).toString().replace('.', ','),
    i.objectivesReached === null ? '' : `${i.objectivesReached}/${i.objectivesApplicable}`,
    ...ids.map((id) => (i.objectives[id] ? OBJECTIVE_STATUS[i.objectives[id]].label : '')),
  ]);
  return `\uFEFF${[header, ...lines].map((l) => l.map(csvField).join(';')).join('\r\n')}\r\n`;
}
