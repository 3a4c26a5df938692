import { finessError } from './finess.js';
import { type RegionCode, regionOfDepartment } from './regions.js';
import type { EstablishmentCategory } from './tree.js';

/**
 * Reader of the public FINESS extract (data.gouv.fr "etalab" CSV): `;`-separated, Latin-1, a first line
 * `finess;etalab;…`, then one `structureet` line per site (EG) with its legal entity (EJ), followed by
 * `geolocalisation` lines that are ignored. Column positions of `structureet` lines, 0-based:
 */
const COLUMN = {
  section: 0,
  siteFiness: 1,
  legalEntityFiness: 2,
  shortName: 3,
  longName: 4,
  department: 13,
  categoryCode: 18,
  categoryLabel: 19,
  aggregateCategoryCode: 20,
  sphCode: 26,
} as const;
const MIN_COLUMNS = 27;

export interface FinessSite {
  line: number;
  siteFiness: string;
  legalEntityFiness: string;
  name: string;
  department: string;
  region: RegionCode;
  category: EstablishmentCategory;
  categoryLabel: string;
}

export interface RejectedLine {
  line: number;
  reason: string;
}

export interface FinessExtract {
  sites: FinessSite[];
  rejected: RejectedLine[];
}

/**
 * Category from the extract. Aggregate categories 4xxx are the social and medico-social establishments;
 * otherwise the SPH code says public (1) or private taking part in the public hospital service (2, 3, 5, 6,
 * ESPIC and associated: non-profit); anything else is counted as private for-profit.
 */
export function categoryOf(aggregateCategoryCode: string, sphCode: string): EstablishmentCategory {
  if (aggregateCategoryCode.startsWith('4')) return 'medico_social';
  if (sphCode === '1') return 'public';
  if (['2', '3', '5', '6'].includes(sphCode)) return 'private_non_profit';
  return 'private_for_profit';
}

/** Splits one `;`-separated line, honouring double quotes (the extract quotes nothing, other exports may). */
function splitLine(line: string): string[] {
  if (!line.includes('"')) return line.split(';');
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (c === '"') quoted = false;
      else current += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  fields.push(current);
  return fields;
}

/** Decodes the extract: UTF-8 when valid (with or without BOM), Latin-1 otherwise, as published. */
export function decodeExtract(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

/** Parses the extract's text into sites and a report of every line that was refused, with its reason. */
export function parseFinessExtract(text: string): FinessExtract {
  const sites: FinessSite[] = [];
  const rejected: RejectedLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const line = index + 1;
    if (raw.trim() === '') continue;
    const fields = splitLine(raw).map((f) => f.trim());
    const section = fields[COLUMN.section];
    if (section === 'finess' || section === 'geolocalisation') continue;
    if (section !== 'structureet') {
      rejected.push({ line, reason: `type de ligne inconnu « ${(section ?? '').slice(0, 40)} »` });
      continue;
    }
    if (fields.length < MIN_COLUMNS) {
      rejected.push({ line, reason: `${fields.length} colonnes au lieu d'au moins ${MIN_COLUMNS}` });
      continue;
    }
    const get = (k: keyof typeof COLUMN) => fields[COLUMN[k]] ?? '';
    const siteFiness = get('siteFiness');
    const legalEntityFiness = get('legalEntityFiness');
    const siteError = finessError(siteFiness);
    if (siteError) {
      rejected.push({ line, reason: `FINESS ET ${siteFiness.slice(0, 20)} : ${siteError}` });
      continue;
    }
    const ejError = finessError(legalEntityFiness);
    if (ejError) {
      rejected.push({ line, reason: `FINESS EJ ${legalEntityFiness.slice(0, 20)} : ${ejError}` });
      continue;
    }
    const department = get('department');
    const region = regionOfDepartment(department);
    if (!region) {
      rejected.push({ line, reason: `département inconnu « ${department.slice(0, 10)} »` });
      continue;
    }
    const name = (get('longName') || get('shortName')).slice(0, 300);
    if (!name) {
      rejected.push({ line, reason: 'raison sociale vide' });
      continue;
    }
    sites.push({
      line,
      siteFiness,
      legalEntityFiness,
      name,
      department,
      region,
      category: categoryOf(get('aggregateCategoryCode'), get('sphCode')),
      categoryLabel: get('categoryLabel').slice(0, 200),
    });
  }
  return { sites, rejected };
}

/** Writes sites back in the extract's layout (used for the demo fixture and tests). */
export function formatFinessExtract(
  sites: Array<Omit<FinessSite, 'line' | 'region'> & { aggregateCategoryCode: string; sphCode: string }>,
): string {
  const header = 'finess;etalab;100;2026-01-01';
  const rows = sites.map((s) => {
    const fields = new Array<string>(32).fill('');
    fields[COLUMN.section] = 'structureet';
    fields[COLUMN.siteFiness] = s.siteFiness;
    fields[COLUMN.legalEntityFiness] = s.legalEntityFiness;
    fields[COLUMN.shortName] = s.name.slice(0, 38).toUpperCase();
    fields[COLUMN.longName] = s.name;
    fields[COLUMN.department] = s.department;
    fields[COLUMN.categoryLabel] = s.categoryLabel;
    fields[COLUMN.aggregateCategoryCode] = s.aggregateCategoryCode;
    fields[COLUMN.sphCode] = s.sphCode;
    return fields.map((f) => (f.includes(';') || f.includes('"') ? `"${f.replaceAll('"', '""')}"` : f)).join(';');
  });
  return `${[header, ...rows].join('\n')}\n`;
}
