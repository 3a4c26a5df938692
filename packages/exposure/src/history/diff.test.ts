import { describe, expect, it } from 'vitest';
import type { Finding } from '../model.js';
import { diffFindings } from './diff.js';

const finding = (ruleId: string, host: string, port: number, evidence = `port ${port}`): Finding => ({
  ruleId,
  host,
  port,
  severity: 'critical',
  points: 40,
  title: ruleId,
  remediation: 'r',
  evidence,
});

describe('scan diff', () => {
  it('flags a new exposure as an alert and lists fixed and changed findings', () => {
    const before = [finding('EXP-RDP', '192.0.2.1', 3389), finding('EXP-SSH', '192.0.2.1', 22, 'OpenSSH 8.4')];
    const after = [finding('EXP-SSH', '192.0.2.1', 22, 'OpenSSH 9.2'), finding('EXP-DICOM', '192.0.2.9', 104)];
    const d = diffFindings(before, after);
    expect(d.alert).toBe(true);
    expect(d.added.map((f) => f.ruleId)).toEqual(['EXP-DICOM']);
    expect(d.fixed.map((f) => f.ruleId)).toEqual(['EXP-RDP']);
    expect(d.changed.map((c) => [c.before.evidence, c.after.evidence])).toEqual([['OpenSSH 8.4', 'OpenSSH 9.2']]);
  });

  it('raises no alert when exposure only shrinks', () => {
    const d = diffFindings([finding('EXP-RDP', '192.0.2.1', 3389)], []);
    expect(d).toMatchObject({ alert: false, added: [], changed: [] });
    expect(d.fixed).toHaveLength(1);
  });

  it('tells the same rule on another port apart', () => {
    const d = diffFindings([finding('EXP-DICOM', '192.0.2.1', 104)], [finding('EXP-DICOM', '192.0.2.1', 11112)]);
    expect([d.added.length, d.fixed.length]).toEqual([1, 1]);
  });
});
