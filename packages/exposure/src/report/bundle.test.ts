import { describe, expect, it } from 'vitest';
import type { Finding } from '../model.js';
import { score } from '../rules/rules.js';
import { BUNDLE_FORMAT, BundleError, d1EvidencePack, type ExposureBundle, findingsCsv, parseBundle } from './bundle.js';

const finding = (over: Partial<Finding> = {}): Finding => ({
  ruleId: 'EXP-SSH',
  host: '192.0.2.1',
  port: 22,
  severity: 'low',
  points: 5,
  title: 'SSH exposé',
  remediation: 'Limiter',
  evidence: 'port 22/tcp ouvert',
  ...over,
});
const bundle = (id: string, date: string, findings: Finding[]): ExposureBundle => ({
  format: BUNDLE_FORMAT,
  id,
  scannedAt: `${date}T08:00:00.000Z`,
  rulesVersion: '2026.11.1',
  scope: { domains: ['ch-exemple.fr'], ranges: ['192.0.2.0/28'] },
  sources: ['rempart'],
  observations: [],
  findings,
  score: score(findings),
});

describe('exposure bundle', () => {
  it('round-trips through JSON and refuses an edited score', () => {
    const b = bundle('a', '2026-01-10', [finding()]);
    expect(parseBundle(JSON.stringify(b))).toEqual(b);
    expect(() => parseBundle(JSON.stringify({ ...b, score: { ...b.score, total: 0 } }))).toThrow(/score/);
    for (const bad of [
      '',
      '{',
      '{}',
      JSON.stringify({ ...b, format: 'other' }),
      JSON.stringify({ ...b, scannedAt: 'hier' }),
    ]) {
      expect(() => parseBundle(bad)).toThrow(BundleError);
    }
  });

  it('writes a CSV with points and neutralises spreadsheet formulas', () => {
    const csv = findingsCsv(
      bundle('a', '2026-01-10', [finding({ evidence: '=HYPERLINK("http://x")', title: 'a, b' })]),
    );
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('regle,hote,port,gravite,points,titre,constat,remediation');
    expect(lines[1]).toBe('EXP-SSH,192.0.2.1,22,low,5,"a, b","\'=HYPERLINK(""http://x"")",Limiter');
  });

  it('builds the D1.O2 evidence pack from the two qualifying audits', () => {
    const pack = d1EvidencePack([
      bundle('jan', '2026-01-10', [finding()]),
      bundle('feb', '2026-02-10', [finding({ ruleId: 'EXP-RDP', severity: 'critical', points: 40, port: 3389 })]),
      bundle('mar', '2026-03-01', [finding()]),
    ]);
    expect(pack.verdict.met).toBe(true);
    expect(pack.audits.map((a) => a.id)).toEqual(['jan', 'mar']);
  });
});
