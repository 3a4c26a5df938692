import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CASE_A, mini } from '../../test/fixtures/mini-referential.js';
import { directorSummary } from './director-summary.js';
import { generateRoadmap } from './roadmap.js';
import { csvField, roadmapToCsv } from './roadmap-csv.js';
import { scoreAssessment } from './scoring.js';

/** Minimal RFC 4180 reader used to check what the writer produces. */
function readCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

const roadmap = generateRoadmap(mini, CASE_A, 'public', { today: '2026-01-01' });

describe('roadmapToCsv', () => {
  it('writes one line per measure under French headers, readable back field by field', () => {
    const rows = readCsv(roadmapToCsv(roadmap), ';');
    expect(rows[0]!.slice(0, 3)).toEqual(['Rang', 'Priorité', 'Mesure']);
    expect(rows).toHaveLength(1 + roadmap.items.length);
    // ME's title contains the separator and "=": it is quoted and kept verbatim.
    const me = rows.find((r) => r[2]!.startsWith('Mesure E'))!;
    expect(me[2]).toBe('Mesure E; avec =formule');
    expect(me[15]).toBe('H, "cité"');
    expect(rows[1]!.slice(9, 11)).toEqual(['4000', '400']);
    expect(rows[1]![13]).toBe('À faire');
  });

  it('neutralises cells that a spreadsheet would run as formulas', () => {
    expect(csvField('=HYPERLINK("http://x")', ';')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+33 1 23', ';')).toBe("'+33 1 23");
    expect(csvField('@SUM(A1)', ';')).toBe("'@SUM(A1)");
    expect(csvField(-2.5, ';')).toBe('-2,5');
    expect(csvField(null, ';')).toBe('');
  });

  it('adds a byte order mark on request and supports the comma separator', () => {
    const text = roadmapToCsv(roadmap, { bom: true, separator: ',' });
    expect(text.startsWith('\uFEFFRang,Priorité')).toBe(true);
    expect(readCsv(text.slice(1), ',')).toHaveLength(1 + roadmap.items.length);
  });
});

describe('directorSummary', () => {
  const score = scoreAssessment(mini, CASE_A, 'public');
  const summary = directorSummary({
    establishment: 'CH de Test',
    referential: mini,
    score,
    roadmap,
    date: '2026-01-01',
  });

  it('sums up score, objectives, blockers and costs in French', () => {
    // overall 0.55556 → 56 %; 0 of 3 objectives reached; O3 blocked by mandatory R7.
    expect(summary.overall).toEqual({ scorePercent: 56, objectivesReached: 0, objectivesApplicable: 3 });
    expect(summary.headlines[0]).toBe('Score de maturité cyber : 56 %, 0 objectif(s) atteint(s) sur 3.');
    expect(summary.blockers).toEqual([{ objective: 'Objectif 3', missing: ['R7'] }]);
    expect(summary.priorities.map((p) => p.rank)).toEqual([1, 2, 3]);
    // 6000 € build, 650 €/year; French formatting uses a narrow no-break space as thousands separator.
    expect(summary.budget.build.replace(/\s/g, ' ')).toBe('6 000 €');
    expect(summary.budget.byPriority.find((p) => p.priority === 'P2')).toMatchObject({ measures: 1 });
    expect(summary.attention).toEqual({ dontKnow: 1, unanswered: 0 });
    expect(summary.axes.map((a) => a.scorePercent)).toEqual([72, 50]);
    // The structure is plain data: it survives serialisation for the server's PDF renderer.
    expect(parse(JSON.stringify(summary))).toEqual(summary);
  });

  it('refuses a score computed with another referential version', () => {
    expect(() =>
      directorSummary({
        establishment: 'CH',
        referential: { ...mini, version: 4 },
        score,
        roadmap,
        date: '2026-01-01',
      }),
    ).toThrow(expect.objectContaining({ code: 'referential_mismatch' }));
  });
});
