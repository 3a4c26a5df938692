import type { ContinuityIssue } from './model.js';

/**
 * A small RFC 4180 CSV reader and writer. French spreadsheets export with `;`, others with `,`: the reader
 * takes the separator that occurs (outside quotes) in the header line. Quoted fields may hold separators,
 * doubled quotes and line breaks; every record remembers the physical line it starts on so errors can name it.
 */

export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface CsvTable {
  delimiter: ',' | ';';
  header: string[];
  headerLine: number;
  rows: CsvRecord[];
}

export const CSV_LIMITS = {
  /** Characters in one document (about 64 MB of text). */
  chars: 64 * 1024 * 1024,
  fieldChars: 100_000,
  columns: 200,
  records: 2_000_000,
} as const;

export type CsvParseResult = { ok: true; table: CsvTable } | { ok: false; error: ContinuityIssue };

function detectDelimiter(text: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && (c === 10 || c === 13)) break;
    else if (!quoted && c === 44) commas++;
    else if (!quoted && c === 59) semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** Parses a CSV document into its header and records. Blank lines are skipped. */
export function parseCsv(input: string): CsvParseResult {
  if (input.length > CSV_LIMITS.chars) {
    return {
      ok: false,
      error: {
        code: 'csv.too_large',
        message: `document CSV trop volumineux (plus de ${CSV_LIMITS.chars} caractères)`,
      },
    };
  }
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const sep = delimiter.charCodeAt(0);
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  const fail = (code: string, message: string, at: number): CsvParseResult => ({
    ok: false,
    error: { code, message: `ligne ${at} : ${message}`, line: at },
  });

  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    // One record.
    for (;;) {
      let value = '';
      if (text.charCodeAt(i) === 34) {
        // Quoted field.
        const fieldLine = line;
        i++;
        let chunkStart = i;
        for (;;) {
          if (i >= n) return fail('csv.unterminated_quote', 'guillemet ouvrant jamais refermé', fieldLine);
          const c = text.charCodeAt(i);
          if (c === 34) {
            value += text.slice(chunkStart, i);
            if (text.charCodeAt(i + 1) === 34) {
              value += '"';
              i += 2;
              chunkStart = i;
              continue;
            }
            i++;
            break;
          }
          if (c === 10) line++;
          i++;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== sep && next !== 10 && next !== 13) {
          return fail('csv.text_after_quote', 'texte après un guillemet fermant', line);
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === sep || c === 10 || c === 13) break;
          if (c === 34) return fail('csv.stray_quote', 'guillemet au milieu d’un champ non entre guillemets', line);
          i++;
        }
        value = text.slice(start, i);
      }
      if (value.length > CSV_LIMITS.fieldChars) {
        return fail('csv.field_too_long', `champ de plus de ${CSV_LIMITS.fieldChars} caractères`, startLine);
      }
      fields.push(value);
      if (fields.length > CSV_LIMITS.columns) {
        return fail('csv.too_many_columns', `plus de ${CSV_LIMITS.columns} colonnes`, startLine);
      }
      if (i < n && text.charCodeAt(i) === sep) {
        i++;
        continue;
      }
      break;
    }
    // End of record: consume one line break.
    if (text.charCodeAt(i) === 13) i++;
    if (text.charCodeAt(i) === 10) i++;
    line++;
    if (fields.length === 1 && fields[0] === '') continue;
    records.push({ line: startLine, fields });
    if (records.length > CSV_LIMITS.records) {
      return fail('csv.too_many_records', `plus de ${CSV_LIMITS.records} lignes`, startLine);
    }
  }
  const [head, ...rows] = records;
  if (!head)
    return { ok: false, error: { code: 'csv.empty', message: 'document CSV vide : ligne d’en-tête attendue' } };
  const header = head.fields.map((h) => h.trim());
  for (const row of rows) {
    if (row.fields.length !== header.length) {
      return fail(
        'csv.column_count',
        `${row.fields.length} colonne(s) au lieu de ${header.length} (en-tête ligne ${head.line})`,
        row.line,
      );
    }
  }
  return { ok: true, table: { delimiter, header, headerLine: head.line, rows } };
}

function quoteField(raw: string): string {
  if (raw === '') return '';
  // A leading = + - @ would be run as a formula by spreadsheets (CSV injection): keep it as text. The
  // continuity importers drop that quote again.
  const value = /^[=+\-@\t]/.test(raw) && !/^-?\d+(\.\d+)?$/.test(raw) ? `'${raw}` : raw;
  // Both separators are quoted so the reader's detection cannot pick the wrong one on a one-column file.
  if (/[",;\r\n]/.test(value) || value !== raw) return `"${value.replaceAll('"', '""')}"`;
  return value;
}

/** Writes a header and rows as CSV with CRLF line ends (RFC 4180). */
export function writeCsv(header: readonly string[], rows: readonly (readonly string[])[], delimiter: ',' | ';' = ';') {
  const out: string[] = [header.map((h) => quoteField(h)).join(delimiter)];
  for (const row of rows) out.push(row.map((f) => quoteField(f)).join(delimiter));
  return `${out.join('\r\n')}\r\n`;
}
