import type { z } from 'zod';
import { type CsvTable, parseCsv, writeCsv } from './csv.js';
import { jsonSyntaxErrorOffset } from './json-position.js';
import {
  type ContinuityGraph,
  type ContinuityIssue,
  type ContinuityResult,
  checkGraphConsistency,
  componentSchema,
  criticalActivitySchema,
  dependencySchema,
  issuesFromZod,
  parseContinuityGraph,
} from './model.js';

/** JSON envelope written on export; import accepts it or a bare `{activities, components, dependencies}`. */
export const CONTINUITY_GRAPH_FORMAT = 'rempart-continuity-graph/1';
const MAX_REPORTED_ERRORS = 100;

export function exportContinuityGraphJson(graph: ContinuityGraph): string {
  return `${JSON.stringify({ format: CONTINUITY_GRAPH_FORMAT, ...graph }, null, 2)}\n`;
}

/** Parses a JSON document; syntax errors name the line. */
export function importContinuityGraphJson(text: string): ContinuityResult<ContinuityGraph> {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    const offset = jsonSyntaxErrorOffset(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    const issue: ContinuityIssue = { code: 'json.malformed', message: 'JSON mal formé' };
    if (offset >= 0) {
      issue.line = text.slice(0, offset).split('\n').length;
      issue.message = `ligne ${issue.line} : JSON mal formé`;
    }
    return { ok: false, errors: [issue] };
  }
  if (data && typeof data === 'object' && !Array.isArray(data) && 'format' in data) {
    const { format, ...rest } = data as Record<string, unknown>;
    if (format !== CONTINUITY_GRAPH_FORMAT) {
      return {
        ok: false,
        errors: [{ code: 'json.unknown_format', message: `format inconnu : ${String(format).slice(0, 60)}` }],
      };
    }
    data = rest;
  }
  return parseContinuityGraph(data);
}

/** Column names of the three CSV files; `required` columns must be in the header. */
const ACTIVITY_COLUMNS = {
  id: true,
  name: true,
  kind: true,
  entity: false,
  owner: true,
  priority: true,
  mtd_hours: true,
  rto_hours: true,
  rpo_hours: true,
  resumption_hours: false,
  impacts: false,
  degraded_mode_procedure: false,
} as const;
const COMPONENT_COLUMNS = {
  id: true,
  name: true,
  kind: true,
  owner: false,
  priority: true,
  restore_hours: true,
  has_alternative: false,
  notes: false,
} as const;
const DEPENDENCY_COLUMNS = { from: true, to: true, note: false } as const;

/** Spreadsheets mangle some values: exports protect formula-looking text with a leading quote, removed here. */
function text(value: string): string {
  return /^'[=+\-@\t]/.test(value) ? value.slice(1) : value;
}

/** "12", "1.5" or the French "1,5"; anything else is kept as a string so the schema names it. */
function number(value: string): unknown {
  const v = value.trim();
  if (v === '') return undefined;
  const normalised = /^-?\d+,\d+$/.test(v) ? v.replace(',', '.') : v;
  return /^-?\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : v;
}

const TRUE = new Set(['true', '1', 'oui', 'yes', 'vrai', 'o', 'y']);
const FALSE = new Set(['false', '0', 'non', 'no', 'faux', 'n', '']);
function boolean(value: string): unknown {
  const v = value.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  return value;
}

/** "4:2|24:3|72:4": impact level 2 after 4 h, 3 after 24 h, 4 after 72 h. */
function impacts(value: string): unknown {
  const v = value.trim();
  if (v === '') return [];
  return v.split('|').map((step) => {
    const [hours, level, ...description] = step.split(':');
    const out: Record<string, unknown> = { afterHours: number(hours ?? ''), level: number(level ?? '') };
    if (description.length > 0) out.description = description.join(':').trim();
    return out;
  });
}

function formatImpacts(steps: ContinuityGraph['activities'][number]['impacts']): string {
  return steps
    .map((s) => `${s.afterHours}:${s.level}${s.description ? `:${s.description.replaceAll('|', '/')}` : ''}`)
    .join('|');
}

type Columns = Record<string, boolean>;

function checkHeader(table: CsvTable, columns: Columns, file: string): ContinuityIssue[] {
  const errors: ContinuityIssue[] = [];
  const seen = new Set<string>();
  for (const name of table.header) {
    if (!(name in columns)) {
      errors.push({
        code: 'csv.unknown_column',
        message: `${file}, ligne ${table.headerLine} : colonne inconnue « ${name.slice(0, 60)} » (attendues : ${Object.keys(columns).join(', ')})`,
        line: table.headerLine,
        field: name.slice(0, 60),
      });
    }
    if (seen.has(name)) {
      errors.push({
        code: 'csv.duplicate_column',
        message: `${file}, ligne ${table.headerLine} : colonne en double « ${name.slice(0, 60)} »`,
        line: table.headerLine,
      });
    }
    seen.add(name);
  }
  for (const [name, required] of Object.entries(columns)) {
    if (required && !seen.has(name)) {
      errors.push({
        code: 'csv.missing_column',
        message: `${file}, ligne ${table.headerLine} : colonne obligatoire « ${name} » absente`,
        line: table.headerLine,
        field: name,
      });
    }
  }
  return errors;
}

function readTable<T>(
  file: string,
  source: string,
  columns: Columns,
  toObject: (get: (column: string) => string | undefined) => Record<string, unknown>,
  schema: z.ZodType<T>,
  errors: ContinuityIssue[],
): { values: T[]; lines: number[] } {
  const values: T[] = [];
  const lines: number[] = [];
  const parsed = parseCsv(source);
  if (!parsed.ok) {
    errors.push({ ...parsed.error, message: `${file}, ${parsed.error.message}` });
    return { values, lines };
  }
  const headerErrors = checkHeader(parsed.table, columns, file);
  if (headerErrors.length > 0) {
    errors.push(...headerErrors);
    return { values, lines };
  }
  const position = new Map(parsed.table.header.map((h, i) => [h, i]));
  for (const row of parsed.table.rows) {
    const get = (column: string) => {
      const i = position.get(column);
      return i === undefined ? undefined : row.fields[i];
    };
    const object = toObject(get);
    for (const key of Object.keys(object)) if (object[key] === undefined) delete object[key];
    const result = schema.safeParse(object);
    if (result.success) {
      values.push(result.data);
      lines.push(row.line);
    } else if (errors.length < MAX_REPORTED_ERRORS) {
      const node = typeof object.id === 'string' ? object.id.slice(0, 100) : undefined;
      for (const issue of issuesFromZod(
        result.error,
        node === undefined ? { line: row.line } : { line: row.line, node },
      )) {
        errors.push({ ...issue, message: `${file}, ligne ${row.line} : ${issue.message}` });
      }
    }
  }
  return { values, lines };
}

const optionalText = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : text(v));

export interface ContinuityGraphCsv {
  activities: string;
  components: string;
  dependencies: string;
}

/** Imports the three CSV files (activities, components, dependencies). Errors name the file and line. */
export function importContinuityGraphCsv(files: ContinuityGraphCsv): ContinuityResult<ContinuityGraph> {
  const errors: ContinuityIssue[] = [];
  const activities = readTable(
    'activités',
    files.activities,
    ACTIVITY_COLUMNS,
    (get) => ({
      id: text(get('id') ?? '').trim(),
      name: text(get('name') ?? '').trim(),
      kind: get('kind')?.trim(),
      entity: optionalText(get('entity'))?.trim(),
      owner: text(get('owner') ?? '').trim(),
      priority: number(get('priority') ?? ''),
      mtdHours: number(get('mtd_hours') ?? ''),
      rtoHours: number(get('rto_hours') ?? ''),
      rpoHours: number(get('rpo_hours') ?? ''),
      resumptionHours: number(get('resumption_hours') ?? ''),
      impacts: impacts(get('impacts') ?? ''),
      degradedModeProcedure: optionalText(get('degraded_mode_procedure')),
    }),
    criticalActivitySchema,
    errors,
  );
  const components = readTable(
    'composants',
    files.components,
    COMPONENT_COLUMNS,
    (get) => ({
      id: text(get('id') ?? '').trim(),
      name: text(get('name') ?? '').trim(),
      kind: get('kind')?.trim(),
      owner: optionalText(get('owner'))?.trim(),
      priority: number(get('priority') ?? ''),
      restoreHours: number(get('restore_hours') ?? ''),
      hasAlternative: boolean(get('has_alternative') ?? ''),
      notes: optionalText(get('notes')),
    }),
    componentSchema,
    errors,
  );
  const dependencies = readTable(
    'dépendances',
    files.dependencies,
    DEPENDENCY_COLUMNS,
    (get) => ({
      from: text(get('from') ?? '').trim(),
      to: text(get('to') ?? '').trim(),
      note: optionalText(get('note')),
    }),
    dependencySchema,
    errors,
  );
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
  const graph: ContinuityGraph = {
    activities: activities.values,
    components: components.values,
    dependencies: dependencies.values,
  };
  const checked = checkGraphConsistency(graph, {
    activities: activities.lines,
    components: components.lines,
    dependencies: dependencies.lines,
  });
  if (checked.errors.length > 0) return { ok: false, errors: checked.errors.slice(0, MAX_REPORTED_ERRORS) };
  return { ok: true, value: graph, warnings: checked.warnings.slice(0, MAX_REPORTED_ERRORS) };
}

/** Writes the graph as three CSV files that `importContinuityGraphCsv` reads back unchanged. */
export function exportContinuityGraphCsv(graph: ContinuityGraph, delimiter: ',' | ';' = ';'): ContinuityGraphCsv {
  return {
    activities: writeCsv(
      Object.keys(ACTIVITY_COLUMNS),
      graph.activities.map((a) => [
        a.id,
        a.name,
        a.kind,
        a.entity ?? '',
        a.owner,
        String(a.priority),
        String(a.mtdHours),
        String(a.rtoHours),
        String(a.rpoHours),
        String(a.resumptionHours),
        formatImpacts(a.impacts),
        a.degradedModeProcedure,
      ]),
      delimiter,
    ),
    components: writeCsv(
      Object.keys(COMPONENT_COLUMNS),
      graph.components.map((c) => [
        c.id,
        c.name,
        c.kind,
        c.owner ?? '',
        String(c.priority),
        String(c.restoreHours),
        c.hasAlternative ? 'true' : 'false',
        c.notes ?? '',
      ]),
      delimiter,
    ),
    dependencies: writeCsv(
      Object.keys(DEPENDENCY_COLUMNS),
      graph.dependencies.map((d) => [d.from, d.to, d.note ?? '']),
      delimiter,
    ),
  };
}
