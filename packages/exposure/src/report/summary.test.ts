import { describe, expect, it } from 'vitest';
import { defaultRuleSet, evaluate, score } from '../rules/rules.js';
import { BUNDLE_FORMAT, type ExposureBundle, parseBundle } from './bundle.js';
import { bundleSummary } from './summary.js';

describe('bundleSummary', () => {
  it('counts findings by severity and carries the rules version, date, score and verdict', () => {
    const rules = defaultRuleSet();
    const findings = evaluate(rules, [
      { kind: 'port', host: '192.0.2.10', port: 104, service: 'dicom', source: 'rempart' },
      { kind: 'port', host: '192.0.2.10', port: 22, service: 'ssh', source: 'rempart' },
      {
        kind: 'condition',
        host: 'ch-exemple.test',
        condition: 'dns-missing-dmarc',
        detail: 'absent',
        source: 'rempart',
      },
    ]);
    const bundle: ExposureBundle = {
      format: BUNDLE_FORMAT,
      id: 'b1',
      scannedAt: '2026-11-28T23:00:00.000Z',
      rulesVersion: rules.version,
      scope: { domains: ['ch-exemple.test'], ranges: ['192.0.2.0/24'] },
      sources: ['rempart'],
      observations: [],
      findings,
      score: score(findings),
    };
    const summary = bundleSummary(parseBundle(JSON.stringify(bundle)));
    const expected = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const f of findings) expected[f.severity]++;
    expect(summary).toEqual({
      rulesetVersion: rules.version,
      generatedAt: '2026-11-28T23:00:00.000Z',
      score: findings.reduce((n, f) => n + f.points, 0),
      minimumLevelMet: false,
      findingCount: 3,
      bySeverity: expected,
    });
    expect(expected.critical).toBeGreaterThanOrEqual(1);
  });
});
