import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv, writeCsv } from './csv.js';

describe('CSV reader', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks, and keeps start lines', () => {
    const text = 'id;note\r\na;"un ; deux"\r\nb;"dit ""oui""\nsur deux lignes"\nc;fin\n';
    const result = parseCsv(text);
    expect(result).toEqual({
      ok: true,
      table: {
        delimiter: ';',
        header: ['id', 'note'],
        headerLine: 1,
        rows: [
          { line: 2, fields: ['a', 'un ; deux'] },
          { line: 3, fields: ['b', 'dit "oui"\nsur deux lignes'] },
          { line: 5, fields: ['c', 'fin'] },
        ],
      },
    });
  });

  it('detects the comma separator, strips a BOM and skips blank lines', () => {
    const result = parseCsv('\uFEFFfrom,to\n\nA,B\n');
    expect(result.ok && result.table).toMatchObject({ delimiter: ',', header: ['from', 'to'], rows: [{ line: 3 }] });
  });

  it.each([
    ['id;x\na;"open', 'csv.unterminated_quote', 2],
    ['id;x\na;b"c\n', 'csv.stray_quote', 2],
    ['id;x\na;"b"c\n', 'csv.text_after_quote', 2],
    ['id;x\na;b\nc\n', 'csv.column_count', 3],
    ['', 'csv.empty', undefined],
  ])('refuses %j with %s at line %s', (text, code, line) => {
    const result = parseCsv(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.line).toBe(line);
  });

  it('refuses too many columns and an oversized field without hanging', () => {
    const wide = parseCsv(`${Array.from({ length: 500 }, (_, i) => `c${i}`).join(';')}\n`);
    expect(!wide.ok && wide.error.code).toBe('csv.too_many_columns');
    const long = parseCsv(`id\n${'x'.repeat(200_000)}\n`);
    expect(!long.ok && long.error.code).toBe('csv.field_too_long');
  });

  it('reads 200,000 lines', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `n${i};"v ${i}"`).join('\n');
    const result = parseCsv(`id;v\n${rows}`);
    expect(result.ok && result.table.rows.length).toBe(200_000);
    expect(result.ok && result.table.rows.at(-1)).toEqual({ line: 200_001, fields: ['n199999', 'v 199999'] });
  });

  it('writes what it reads back (property)', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', ';', ',', '"', '\n', '\r\n', ' ', 'x', '1') });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((width) =>
          fc.tuple(
            fc.array(fc.string({ minLength: 1, maxLength: 5, unit: fc.constantFrom('a', 'b', 'c') }), {
              minLength: width,
              maxLength: width,
            }),
            fc.array(fc.array(field, { minLength: width, maxLength: width }), { maxLength: 10 }),
          ),
        ),
        fc.constantFrom(',' as const, ';' as const),
        ([header, rows], delimiter) => {
          // A row whose fields are all empty is a blank line for a single column: not representable.
          const kept = rows.filter((r) => r.length > 1 || r[0] !== '');
          const result = parseCsv(writeCsv(header, kept, delimiter));
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.table.header).toEqual(header);
          expect(result.table.rows.map((r) => r.fields)).toEqual(kept);
        },
      ),
    );
  });

  it('neutralises formulas on export', () => {
    expect(writeCsv(['a'], [['=HYPERLINK("x")'], ['-5'], ['@cmd']])).toBe(
      'a\r\n"\'=HYPERLINK(""x"")"\r\n-5\r\n"\'@cmd"\r\n',
    );
  });
});
