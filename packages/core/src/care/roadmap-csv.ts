import { EFFORT_LABELS } from './director-summary.js';
import { ROADMAP_STATUS_LABELS, type Roadmap } from './roadmap.js';

export interface CsvOptions {
  /** Field separator; `;` by default, which French spreadsheet software opens without an import step. */
  separator?: ';' | ',';
  /** Prefix a UTF-8 byte order mark so spreadsheet software reads the accents correctly. */
  bom?: boolean;
}

/**
 * Quotes one field per RFC 4180 and neutralises spreadsheet formulas: a text cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return is prefixed with `'` (OWASP CSV injection advice).
 */
export function csvField(value: string | number | null, separator: string): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? String(value).replace('.', ',') : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  if (text.includes(separator) || /["\r\n]/.test(text)) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

const HEADERS = [
  'Rang',
  'Priorité',
  'Mesure',
  'Obligatoire',
  'Objectifs concernés',
  'Objectifs débloqués',
  'Exigences non atteintes',
  'Gain de score (points)',
  'Effort',
  'Coût de mise en place (€ HT)',
  'Coût annuel (€ HT)',
  'Responsable',
  'Échéance',
  'Statut',
  'Pourquoi',
  'Comment',
];

/** The roadmap as CSV text, one line per measure, French headers, CRLF line endings. */
export function roadmapToCsv(roadmap: Roadmap, options: CsvOptions = {}): string {
  const sep = options.separator ?? ';';
  const rows: (string | number | null)[][] = [HEADERS];
  for (const item of roadmap.items) {
    rows.push([
      item.rank,
      item.priority,
      item.title,
      item.mandatory ? 'oui' : 'non',
      item.objectives.join(', '),
      item.unblocks.join(', '),
      item.requirements.join(', '),
      Math.round(item.gain * 1000) / 10,
      EFFORT_LABELS[item.effort],
      item.cost.build,
      item.cost.run,
      item.owner,
      item.dueDate,
      ROADMAP_STATUS_LABELS[item.status],
      item.why,
      item.how,
    ]);
  }
  const text = rows.map((row) => row.map((v) => csvField(v, sep)).join(sep)).join('\r\n');
  return `${options.bom ? '\uFEFF' : ''}${text}\r\n`;
}
