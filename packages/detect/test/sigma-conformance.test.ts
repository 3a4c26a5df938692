import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EventView,
  type EvtxRecord,
  parseEvtxBuffer,
  parseSigmaYaml,
  type RuleProblem,
  type SigmaDocument,
  SigmaEngine,
} from '../src/index.js';
import { corpusCases } from './corpus.js';

const cases = corpusCases();
let engine: SigmaEngine;
let unfiltered: SigmaEngine;
let documents: SigmaDocument[];
const recordsByCase = new Map<string, EvtxRecord[]>();

/** Every string a rule's detection holds (values, with wildcards), to plant near-matches in events. */
function detectionStrings(v: unknown, out: string[]): string[] {
  if (typeof v === 'string') out.push(v.replaceAll('*', ''));
  else if (Array.isArray(v)) for (const x of v) detectionStrings(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) detectionStrings(x, out);
  return out;
}

/** Rule ids the compiled variants give on a record, tested one by one (no index, no prefilter). */
function bruteForce(r: EvtxRecord): string[] {
  const view = new EventView(r.event, r.recordId, r.timestamp);
  const ids: string[] = [];
  for (const rule of engine.rules) {
    for (const v of rule.variants) {
      const t = v.target;
      if (t.channels.length > 0 && !t.channels.includes(view.channel)) continue;
      if (t.eventIds !== null && !t.eventIds.includes(view.eventId)) continue;
      if (v.test(view)) ids.push(rule.rule.id ?? '');
    }
  }
  return ids;
}

beforeAll(() => {
  documents = [];
  const problems: RuleProblem[] = [];
  for (const c of cases) {
    const parsed = parseSigmaYaml(readFileSync(c.rulePath, 'utf8'), c.rulePath);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  engine = new SigmaEngine(documents, problems);
  unfiltered = new SigmaEngine(documents, problems, { prefilter: false });
  for (const c of cases) if (c.evtxPath) recordsByCase.set(c.id, parseEvtxBuffer(readFileSync(c.evtxPath)));
});

describe('Sigma engine on the SigmaHQ regression corpus', () => {
  it('compiles the 144 Windows rules and reports the one non-Windows rule by name', () => {
    expect(cases.length).toBe(145);
    expect(engine.counts.rules).toBe(144);
    expect(engine.problems).toEqual([expect.objectContaining({ code: 'logsource', title: 'Cisco Dot1x Disabled' })]);
  });

  it('fires every rule on its own EVTX', () => {
    const silent: string[] = [];
    for (const c of cases) {
      const records = recordsByCase.get(c.id);
      if (!records) continue;
      const fired = new Set(records.flatMap((r) => engine.evaluate(r).map((a) => a.ruleId)));
      if (!fired.has(c.id)) silent.push(c.id);
    }
    expect(silent).toEqual([]);
  });

  it('reports how many of the other rules fire on each file, and the channel/EventID index changes nothing', () => {
    const lines: string[] = [];
    let crossTotal = 0;
    const distribution = new Map<number, number>();
    for (const c of cases) {
      const records = recordsByCase.get(c.id);
      if (!records) continue;
      const indexed = new Set<string>();
      for (const r of records) for (const a of engine.evaluate(r)) indexed.add(a.ruleId);
      // Brute force: every compiled variant on every event whose channel/EventID fit the variant's target.
      const brute = new Set(records.flatMap(bruteForce));
      expect([...indexed].sort()).toEqual([...brute].sort());
      const others = [...indexed].filter((id) => id !== c.id);
      crossTotal += others.length;
      distribution.set(others.length, (distribution.get(others.length) ?? 0) + 1);
      if (others.length > 0) lines.push(`${c.id}: ${others.length} autre(s) règle(s) — ${others.join(', ')}`);
    }
    const dist = [...distribution.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([n, files]) => `${n} autre(s): ${files} fichier(s)`);
    console.log(
      `Règles du corpus déclenchées sur les fichiers des autres règles (${crossTotal} au total)\n${dist.join('\n')}\n${lines.join('\n')}`,
    );
    // A rule set that fires everywhere would be broken: most files trigger only their own rule.
    expect(distribution.get(0) ?? 0).toBeGreaterThan(72);
  });

  it('prefilters soundly: mutated corpus events give the same alerts with and without rule clauses, and brute force', () => {
    const all = [...recordsByCase.values()].flat();
    const snippets = [
      ...new Set(documents.flatMap((d) => (d.kind === 'rule' ? detectionStrings(d.detection, []) : []))),
    ]
      .filter((x) => x.length > 0)
      .sort();
    const dataOf = (r: EvtxRecord) => (r.event.Event as { EventData?: Record<string, unknown> }).EventData ?? {};
    const mutation = fc.record({
      base: fc.nat(all.length - 1),
      edits: fc.array(
        fc.record({
          field: fc.nat(),
          how: fc.constantFrom('other-event', 'snippet', 'upper', 'lower', 'cut-start', 'cut-end', 'drop', 'accent'),
          pick: fc.nat(),
        }),
        { maxLength: 6 },
      ),
    });
    let fired = 0;
    fc.assert(
      fc.property(mutation, ({ base, edits }) => {
        const record = structuredClone(all[base]!);
        const data = dataOf(record);
        const keys = Object.keys(data);
        for (const e of edits) {
          if (keys.length === 0) break;
          const key = keys[e.field % keys.length]!;
          const value = typeof data[key] === 'string' ? (data[key] as string) : String(data[key] ?? '');
          const other = dataOf(all[e.pick % all.length]!);
          const snippet = snippets[e.pick % snippets.length]!;
          if (e.how === 'other-event') data[key] = other[key] ?? value;
          else if (e.how === 'snippet') data[key] = `${value.slice(0, e.pick % (value.length + 1))}${snippet}`;
          else if (e.how === 'upper') data[key] = value.toUpperCase();
          else if (e.how === 'lower') data[key] = value.toLowerCase();
          else if (e.how === 'cut-start') data[key] = value.slice(1 + (e.pick % 4));
          else if (e.how === 'cut-end') data[key] = value.slice(0, -(1 + (e.pick % 4)));
          else if (e.how === 'accent') data[key] = `${value}É\u212a`;
          else delete data[key];
        }
        const withClauses = engine.evaluate(record).map((a) => a.ruleId);
        const without = unfiltered.evaluate(record).map((a) => a.ruleId);
        expect(withClauses).toEqual(without);
        expect([...new Set(withClauses)].sort()).toEqual([...new Set(bruteForce(record))].sort());
        fired += withClauses.length;
      }),
      { numRuns: 3000, seed: 6062 },
    );
    // The mutations keep many events matching: the comparison is not between empty alert lists.
    expect(fired).toBeGreaterThan(1000);
  });
});
