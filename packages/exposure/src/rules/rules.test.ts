import { describe, expect, it } from 'vitest';
import type { Observation } from '../model.js';
import { defaultRuleSet, evaluate, parseRuleSet, RuleSetError, score } from './rules.js';

const port = (host: string, p: number, service?: string): Observation => ({
  kind: 'port',
  host,
  port: p,
  ...(service ? { service } : {}),
  source: 'rempart',
});

describe('exposure rules', () => {
  const rules = defaultRuleSet();

  it('ships a versioned rule set with unique ids and the hospital-specific rules', () => {
    expect(rules.version).toMatch(/^\d{4}\./);
    const ids = rules.rules.map((r) => r.id);
    for (const id of [
      'EXP-DICOM',
      'EXP-HL7',
      'EXP-RDP',
      'EXP-SMB',
      'EXP-TELNET',
      'EXP-DATABASE',
      'EXP-DMARC',
      'EXP-TLS-EXPIRED',
    ])
      expect(ids).toContain(id);
  });

  it('turns DICOM on 11112 and a DICOM service on an odd port into critical findings with points', () => {
    const findings = evaluate(rules, [
      port('192.0.2.1', 11112),
      port('192.0.2.2', 4242, 'dicom'),
      port('192.0.2.2', 443, 'https'),
    ]);
    expect(findings.map((f) => [f.ruleId, f.host, f.port, f.points])).toEqual([
      ['EXP-DICOM', '192.0.2.1', 11112, 40],
      ['EXP-DICOM', '192.0.2.2', 4242, 40],
    ]);
    const s = score(findings);
    expect(s).toEqual({ total: 80, perHost: { '192.0.2.1': 40, '192.0.2.2': 40 }, minimumLevel: false });
  });

  it('keeps the minimum level when only non-critical findings remain', () => {
    const findings = evaluate(rules, [
      port('192.0.2.1', 22, 'ssh'),
      {
        kind: 'condition',
        host: '192.0.2.1',
        port: 443,
        condition: 'http-missing-security-headers',
        detail: 'HSTS absent',
        source: 'rempart',
      },
      {
        kind: 'condition',
        host: 'ch-exemple.fr',
        condition: 'dns-missing-dmarc',
        detail: '_dmarc absent',
        source: 'rempart',
      },
    ]);
    expect(findings.map((f) => f.ruleId).sort()).toEqual(['EXP-DMARC', 'EXP-HTTP-HEADERS', 'EXP-SSH']);
    expect(score(findings)).toMatchObject({ total: 20, minimumLevel: true });
  });

  it('reports the same port from two sources once', () => {
    const findings = evaluate(rules, [port('192.0.2.1', 23, 'telnet'), { ...port('192.0.2.1', 23), source: 'nmap' }]);
    expect(findings).toHaveLength(1);
  });

  it('rejects malformed rule files', () => {
    expect(() => parseRuleSet('version: 1\nrules: []')).toThrow(RuleSetError);
    expect(() => parseRuleSet('rules: [')).toThrow(/illisible/);
    const one =
      'id: EXP-A\n    severity: low\n    points: 1\n    match: { ports: [1] }\n    title: t\n    remediation: r\n    references: []';
    expect(() => parseRuleSet(`version: "1"\nrules:\n  - ${one}\n  - ${one}`)).toThrow(/double/);
    expect(() => parseRuleSet(`version: "1"\nrules:\n  - ${one.replace('points: 1', 'points: 1000')}`)).toThrow(
      RuleSetError,
    );
    expect(() =>
      parseRuleSet(`version: "1"\nrules:\n  - ${one.replace('{ ports: [1] }', '{ condition: nope }')}`),
    ).toThrow(RuleSetError);
  });
});

describe('scanner vulnerabilities', () => {
  it('turns critical and high nuclei results into findings, one per template', () => {
    const vuln = (checkId: string, severity: 'critical' | 'high' | 'info') =>
      ({
        kind: 'vulnerability',
        host: '192.0.2.20',
        port: 443,
        checkId,
        name: checkId,
        severity,
        cves: [],
        source: 'nuclei',
      }) as const;
    const findings = evaluate(defaultRuleSet(), [
      vuln('CVE-2024-21762', 'critical'),
      vuln('CVE-2023-46805', 'critical'),
      vuln('x', 'high'),
      vuln('tech', 'info'),
    ]);
    expect(findings.map((f) => [f.ruleId, f.points])).toEqual([
      ['EXP-VULN-CRITICAL', 40],
      ['EXP-VULN-CRITICAL', 40],
      ['EXP-VULN-HIGH', 20],
    ]);
  });
});
