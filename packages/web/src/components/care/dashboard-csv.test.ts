import { describe, expect, it } from 'vitest';
import { csvField, type Dashboard, toCsv } from './dashboard-csv.js';

const item = (name: string, over: Partial<Dashboard['items'][number]> = {}): Dashboard['items'][number] => ({
  organisationId: 1,
  name,
  kind: 'legal_entity',
  category: 'public',
  department: '69',
  regionCode: 'ARA',
  status: 'signed',
  score: 0.705,
  objectivesReached: 3,
  objectivesApplicable: 5,
  snapshotAt: '2026-11-28T10:00:00.000Z',
  objectives: { 'A1.O1': 'reached', 'A1.O2': 'not_reached' },
  ...over,
});

describe('dashboard CSV export', () => {
  it('quotes fields, doubles quotes and neutralises spreadsheet formulas', () => {
    expect(csvField('CH "Nord"; site 2')).toBe('"CH ""Nord""; site 2"');
    for (const hostile of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvField(hostile).startsWith(`"'`)).toBe(true);
    }
    expect(csvField(null)).toBe('""');
    expect(csvField(12)).toBe('"12"');
  });

  it('writes a BOM, a header with every objective, French labels and one line per establishment', () => {
    const data: Dashboard = {
      referential: { id: 'care', version: 1 },
      counts: { organisations: 2, assessed: 1, submitted: 1, signed: 1 },
      objectives: [],
      items: [
        item('=cmd|"/c calc"!A1', {
          organisationId: 2,
          status: 'none',
          score: null,
          objectivesReached: null,
          objectives: {},
        }),
        item('Centre hospitalier de Lyon'),
      ],
    };
    const csv = toCsv(data, ['A1.O1', 'A1.O2', 'A1.O3']);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    expect(lines[0]).toBe(
      '"Établissement";"Catégorie";"Département";"Région";"Statut";"Score";"Objectifs atteints";"A1.O1";"A1.O2";"A1.O3"',
    );
    expect(lines[1]).toBe(`"'=cmd|""/c calc""!A1";"Public";"69";"ARA";"Non commencée";"";"";"";"";""`);
    expect(lines[2]).toBe(
      '"Centre hospitalier de Lyon";"Public";"69";"ARA";"Signée par la direction";"70,5";"3/5";"Atteint";"Non atteint";""',
    );
  });

  it('stays linear on a national-size export', () => {
    const items = Array.from({ length: 40_000 }, (_, i) => item(`Établissement ${i}`, { organisationId: i }));
    const csv = toCsv(
      {
        referential: { id: 'care', version: 1 },
        counts: { organisations: 40_000, assessed: 0, submitted: 0, signed: 0 },
        objectives: [],
        items,
      },
      ['A1.O1'],
    );
    expect(csv.split('\r\n')).toHaveLength(40_002);
  });
});
