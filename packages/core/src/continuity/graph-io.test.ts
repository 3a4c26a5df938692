import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exportContinuityGraphCsv,
  exportContinuityGraphJson,
  importContinuityGraphCsv,
  importContinuityGraphJson,
} from './graph-io.js';
import { parseContinuityGraph } from './model.js';
import { randomContinuityGraph } from './testing/random-graph.js';
import { smallHospital, smallHospitalInput } from './testing/small-hospital.js';

const ACT_HEADER =
  'id;name;kind;entity;owner;priority;mtd_hours;rto_hours;rpo_hours;resumption_hours;impacts;degraded_mode_procedure';
const CMP_HEADER = 'id;name;kind;owner;priority;restore_hours;has_alternative;notes';

const csv = (activities: string[], components: string[], dependencies: string[]) => ({
  activities: [ACT_HEADER, ...activities].join('\n'),
  components: [CMP_HEADER, ...components].join('\n'),
  dependencies: ['from;to;note', ...dependencies].join('\n'),
});
const URG = 'URG;Urgences;care_service;;Chef de service;1;8;4;1;0,5;1:2|4:3|8:4;"Dossiers papier;\nbons manuscrits"';
const DPI = 'DPI;DPI;application;DSI;1;3;non;';
const AD = 'AD;Active Directory;active_directory;;1;4;false;';

function errorsOf(result: ReturnType<typeof importContinuityGraphCsv>) {
  if (result.ok) throw new Error('import unexpectedly accepted');
  return result.errors.map((e) => [e.code, e.line, e.node]);
}

describe('CSV import', () => {
  it('reads a hand-written hospital with French decimals, multi-line procedures and impact steps', () => {
    const result = importContinuityGraphCsv(csv([URG], [DPI, AD], ['URG;DPI;', 'DPI;AD;authentification']));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.activities[0]).toEqual({
      id: 'URG',
      name: 'Urgences',
      kind: 'care_service',
      owner: 'Chef de service',
      priority: 1,
      mtdHours: 8,
      rtoHours: 4,
      rpoHours: 1,
      resumptionHours: 0.5,
      impacts: [
        { afterHours: 1, level: 2 },
        { afterHours: 4, level: 3 },
        { afterHours: 8, level: 4 },
      ],
      degradedModeProcedure: 'Dossiers papier;\nbons manuscrits',
    });
    expect(result.value.dependencies).toEqual([
      { from: 'URG', to: 'DPI' },
      { from: 'DPI', to: 'AD', note: 'authentification' },
    ]);
  });

  it('names the line of a dangling reference, of a duplicate id and of a self dependency', () => {
    const result = importContinuityGraphCsv(
      csv([URG], [DPI, AD, 'AD;Autre AD;active_directory;;2;1;;'], ['URG;DPI;', 'DPI;DNS;', 'AD;AD;']),
    );
    expect(errorsOf(result)).toEqual([
      ['continuity.duplicate_id', 4, 'AD'],
      ['continuity.dangling_reference', 3, 'DNS'],
      ['continuity.self_dependency', 4, 'AD'],
    ]);
    if (!result.ok)
      expect(result.errors[1]!.message).toBe("dépendances, ligne 3 : dépendance DPI → DNS : DNS n'existe pas");
  });

  it('refuses negative durations and an RTO above the maximum tolerable downtime, naming line and node', () => {
    const negative = 'NEG;Négatif;care_service;;X;1;8;-4;1;;;';
    const inconsistent = 'BIO;Biologie;technical_platform;;X;2;6;12;1;;;';
    const result = importContinuityGraphCsv(csv([negative, inconsistent], [], []));
    expect(errorsOf(result)).toEqual([['continuity.negative_duration', 2, 'NEG']]);
    const second = importContinuityGraphCsv(csv([inconsistent], [], []));
    expect(errorsOf(second)).toEqual([['continuity.rto_exceeds_mtd', 2, 'BIO']]);
    if (!second.ok) expect(second.errors[0]!.message).toContain('RTO (12 h) supérieur');
  });

  it('refuses malformed rows: bad kind, text in a number, impacts going down, unknown and missing columns', () => {
    expect(errorsOf(importContinuityGraphCsv(csv(['X;X;cuisine;;X;1;8;4;1;;;'], [], [])))).toEqual([
      ['continuity.invalid_field', 2, 'X'],
    ]);
    expect(errorsOf(importContinuityGraphCsv(csv([], ['C;C;server;;1;deux;;'], [])))).toEqual([
      ['continuity.invalid_field', 2, 'C'],
    ]);
    expect(errorsOf(importContinuityGraphCsv(csv(['X;X;care_service;;X;1;8;4;1;;4:3|8:2;'], [], [])))).toEqual([
      ['continuity.inconsistent_impacts', 2, 'X'],
    ]);
    const unknown = importContinuityGraphCsv({ ...csv([], [], []), dependencies: 'from;to;weight\n' });
    expect(errorsOf(unknown)).toEqual([['csv.unknown_column', 1, undefined]]);
    const missing = importContinuityGraphCsv({ ...csv([], [], []), components: 'id;name\n' });
    expect(errorsOf(missing).map((e) => e[0])).toEqual([
      'csv.missing_column',
      'csv.missing_column',
      'csv.missing_column',
    ]);
    const broken = importContinuityGraphCsv({ ...csv([], [], []), dependencies: 'from;to;note\nA;"B\n' });
    expect(errorsOf(broken)).toEqual([['csv.unterminated_quote', 2, undefined]]);
  });

  it('reports at most 100 errors for a file full of bad rows', () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => `c${i};C;server;;9;1;;`);
    const result = importContinuityGraphCsv(csv([], rows, []));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.length).toBeLessThanOrEqual(100);
  });

  it('refuses hostile ids (injection, path, control characters)', () => {
    for (const id of ["x'; DROP TABLE x;--", '../../etc/passwd', 'a\u0000b', '<script>']) {
      const result = importContinuityGraphCsv(csv([], [`"${id}";C;server;;1;1;;`], []));
      expect(result.ok).toBe(false);
    }
  });

  it('writes and reads back the small hospital and random graphs unchanged (property)', () => {
    const hospital = smallHospital();
    const back = importContinuityGraphCsv(exportContinuityGraphCsv(hospital));
    expect(back.ok && back.value).toEqual(hospital);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(',' as const, ';' as const), (seed, sep) => {
        const graph = randomContinuityGraph({ activities: 5, components: 20, dependencies: 40 }, seed);
        // Random graphs may repeat a dependency: a warning, not an error.
        const result = importContinuityGraphCsv(exportContinuityGraphCsv(graph, sep));
        expect(result.ok && result.value).toEqual(graph);
      }),
      { numRuns: 30 },
    );
  });

  it('keeps formula-looking names as text through export and import', () => {
    const input = smallHospitalInput();
    input.components[0]!.name = '=1+1';
    const graph = parseContinuityGraph(input);
    if (!graph.ok) throw new Error('invalid fixture');
    const files = exportContinuityGraphCsv(graph.value);
    expect(files.components).toContain(`"'=1+1"`);
    const back = importContinuityGraphCsv(files);
    expect(back.ok && back.value.components[0]!.name).toBe('=1+1');
  });
});

describe('JSON import', () => {
  it('reads back its own export', () => {
    const graph = smallHospital();
    const back = importContinuityGraphJson(exportContinuityGraphJson(graph));
    expect(back.ok && back.value).toEqual(graph);
  });

  it('names the line of a syntax error, the node of a bad record and refuses unknown formats and fields', () => {
    const broken = importContinuityGraphJson('{\n  "activities": [],\n  "components": [,]\n}');
    expect(!broken.ok && broken.errors[0]).toMatchObject({ code: 'json.malformed', line: 3 });
    const input = smallHospitalInput();
    (input.components[1] as { restoreHours: number }).restoreHours = -2;
    const negative = importContinuityGraphJson(JSON.stringify(input));
    expect(!negative.ok && negative.errors[0]).toMatchObject({ code: 'continuity.negative_duration', node: 'AD' });
    const format = importContinuityGraphJson('{"format":"other/2","activities":[],"components":[],"dependencies":[]}');
    expect(!format.ok && format.errors[0]?.code).toBe('json.unknown_format');
    const extra = importContinuityGraphJson('{"activities":[],"components":[],"dependencies":[],"admin":true}');
    expect(!extra.ok && extra.errors[0]?.code).toBe('continuity.unknown_field');
    for (const text of ['', 'null', '[]', '"x"', '{"activities":{}}']) {
      expect(importContinuityGraphJson(text).ok).toBe(false);
    }
  });

  it('reads a graph of 10,000 components and 50,000 dependencies', () => {
    const graph = randomContinuityGraph({ activities: 500, components: 10_000, dependencies: 50_000 }, 7);
    const back = importContinuityGraphJson(exportContinuityGraphJson(graph));
    expect(back.ok && back.value.dependencies.length).toBe(50_000);
  });
});
