import { readFileSync } from 'node:fs';
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
const recordsByCase = new Map<string, EvtxRecord[]>();

beforeAll(() => {
  const documents: SigmaDocument[] = [];
  const problems: RuleProblem[] = [];
  for (const c of cases) {
    const parsed = parseSigmaYaml(readFileSync(c.rulePath, 'utf8'), c.rulePath);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  engine = new SigmaEngine(documents, problems);
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
      const brute = new Set<string>();
      for (const r of records) {
        const view = new EventView(r.event, r.recordId, r.timestamp);
        for (const rule of engine.rules) {
          for (const v of rule.variants) {
            const t = v.target;
            if (t.channels.length > 0 && !t.channels.includes(view.channel)) continue;
            if (t.eventIds !== null && !t.eventIds.includes(view.eventId)) continue;
            if (v.test(view)) brute.add(rule.rule.id ?? '');
          }
        }
      }
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
});
