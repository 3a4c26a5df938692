import { describe, expect, it } from 'vitest';
import { SigmaEngine } from './engine.js';
import { EventView } from './event-view.js';
import { parseSigmaYaml } from './rule-parser.js';
import { integrityLevelOf, processIdOf } from './security-4688.js';
import { aSecurityEvent, aSysmonEvent } from './test-helpers.js';

/** A 4688 event as Windows 10 writes it (version 2), for a process started by an administrator. */
const process4688 = (overrides: Record<string, string> = {}) =>
  aSecurityEvent(4688, {
    SubjectUserSid: 'S-1-5-21-1004336348-1177238915-682003330-1104',
    SubjectUserName: 'adm-durand',
    SubjectDomainName: 'CHU',
    SubjectLogonId: '0x5b3a1',
    NewProcessId: '0x1a2c',
    NewProcessName: 'C:\\Windows\\System32\\wsreset.exe',
    TokenElevationType: '%%1937',
    ProcessId: '0x2f8',
    CommandLine: 'wsreset.exe',
    TargetUserSid: 'S-1-0-0',
    TargetUserName: '-',
    TargetDomainName: '-',
    TargetLogonId: '0x0',
    ParentProcessName: 'C:\\Windows\\explorer.exe',
    MandatoryLabel: 'S-1-16-12288',
    ...overrides,
  });

function engineFor(detection: string, prefilter = true): SigmaEngine {
  const yaml = `title: Test 4688
id: 6f0c3b1e-4688-4f00-9d1a-000000000001
status: test
logsource:
    category: process_creation
    product: windows
detection:
${detection}
level: high
`;
  const parsed = parseSigmaYaml(yaml, 'test.yml');
  expect(parsed.problems).toEqual([]);
  return new SigmaEngine(parsed.documents, [], { prefilter });
}

/** Alerts of the rule with and without the prefilter (they must agree), as rule ids. */
function fires(detection: string, record: ReturnType<typeof process4688>): boolean {
  const withIndex = engineFor(detection)
    .evaluate(record)
    .map((a) => a.ruleId);
  const brute = engineFor(detection, false)
    .evaluate(record)
    .map((a) => a.ruleId);
  expect(withIndex).toEqual(brute);
  return withIndex.length > 0;
}

describe('Security 4688 values in the shape Sysmon rules expect', () => {
  it('reads the integrity level SID as its name, keeping the SID', () => {
    expect(integrityLevelOf('S-1-16-4096')).toEqual(['Low', 'S-1-16-4096']);
    expect(integrityLevelOf('S-1-16-8192')).toEqual(['Medium', 'S-1-16-8192']);
    expect(integrityLevelOf('S-1-16-8448')).toEqual(['MediumPlus', 'S-1-16-8448']);
    expect(integrityLevelOf('S-1-16-12288')).toEqual(['High', 'S-1-16-12288']);
    expect(integrityLevelOf('S-1-16-16384')).toEqual(['System', 'S-1-16-16384']);
    expect(integrityLevelOf('S-1-16-20480')).toEqual(['Protected', 'S-1-16-20480']);
    expect(integrityLevelOf('S-1-16-0')).toEqual(['Untrusted', 'S-1-16-0']);
    expect(integrityLevelOf('Mandatory Label\\High Mandatory Level')).toEqual(['High', 'S-1-16-12288']);
    expect(integrityLevelOf('Mandatory Label\\Medium Plus Mandatory Level')).toEqual(['MediumPlus', 'S-1-16-8448']);
    expect(integrityLevelOf('S-1-16-1234')).toBe('S-1-16-1234');
    expect(integrityLevelOf(undefined)).toBeUndefined();
  });

  it('reads hexadecimal process ids as the decimal numbers Sysmon writes', () => {
    expect(processIdOf('0x1a2c')).toBe(6700);
    expect(processIdOf('0X1A2C')).toBe(6700);
    expect(processIdOf('0x4')).toBe(4);
    expect(processIdOf('6700')).toBe(6700);
    expect(processIdOf(6700)).toBe(6700);
    expect(processIdOf('-')).toBeUndefined();
    expect(processIdOf('0x')).toBeUndefined();
  });

  it('derives the Sysmon forms on Security 4688 views only', () => {
    const view = new EventView(process4688().event);
    expect(view.get('IntegrityLevel|4688')).toEqual(['High', 'S-1-16-12288']);
    expect(view.get('ProcessId|4688')).toBe(6700);
    expect(view.get('ParentProcessId|4688')).toBe(760);
    expect(view.get('User|4688')).toBe('CHU\\adm-durand');
    // The event's own fields keep their values.
    expect(view.get('MandatoryLabel')).toBe('S-1-16-12288');
    expect(view.get('ProcessId')).toBe('0x2f8');
    const sysmon = new EventView(aSysmonEvent(4688, { MandatoryLabel: 'S-1-16-12288' }).event);
    expect(sysmon.get('IntegrityLevel|4688')).toBeUndefined();
  });

  it('names the account of the new process as Sysmon does: target account when set, service SIDs as NT AUTHORITY', () => {
    const system = new EventView(
      process4688({ SubjectUserSid: 'S-1-5-18', SubjectUserName: 'SRV-DPI$', SubjectDomainName: 'CHU' }).event,
    );
    expect(system.get('User|4688')).toBe('NT AUTHORITY\\SYSTEM');
    const runAs = new EventView(
      process4688({
        TargetUserSid: 'S-1-5-21-1004336348-1177238915-682003330-1200',
        TargetUserName: 'svc-pacs',
        TargetDomainName: 'CHU',
      }).event,
    );
    expect(runAs.get('User|4688')).toBe('CHU\\svc-pacs');
  });

  it('takes the new process logon session as LogonId: the target one when set, else the creator one', () => {
    const logon = (id: string) => `    selection:
        LogonId: '${id}'
    condition: selection`;
    expect(fires(logon('0x5b3a1'), process4688())).toBe(true);
    const runAs = process4688({ TargetLogonId: '0x9c4f2' });
    expect(fires(logon('0x9c4f2'), runAs)).toBe(true);
    expect(fires(logon('0x5b3a1'), runAs)).toBe(false);
  });

  it('fires a Sysmon-written IntegrityLevel rule on a 4688 event at that level, not at another', () => {
    const rule = `    selection:
        Image|endswith: '\\wsreset.exe'
        IntegrityLevel: 'High'
    condition: selection`;
    expect(fires(rule, process4688())).toBe(true);
    expect(fires(rule, process4688({ MandatoryLabel: 'S-1-16-8192' }))).toBe(false);
    // SigmaHQ rules often list the SID beside the name: both keep matching.
    const both = `    selection:
        IntegrityLevel:
            - 'System'
            - 'S-1-16-16384'
    condition: selection`;
    expect(fires(both, process4688({ MandatoryLabel: 'S-1-16-16384' }))).toBe(true);
    expect(fires(both, process4688())).toBe(false);
    const sidOnly = `    selection:
        IntegrityLevel: 'S-1-16-12288'
    condition: selection`;
    expect(fires(sidOnly, process4688())).toBe(true);
    const negated = `    selection:
        Image|endswith: '\\wsreset.exe'
    filter:
        IntegrityLevel|contains: 'medium'
    condition: selection and not filter`;
    expect(fires(negated, process4688())).toBe(true);
    expect(fires(negated, process4688({ MandatoryLabel: 'S-1-16-8192' }))).toBe(false);
  });

  it('fires process id and user rules on 4688 values, and prints the Sysmon names in the details', () => {
    const rule = `    selection:
        ProcessId: 6700
        ParentProcessId: 760
        User|endswith: '\\adm-durand'
    condition: selection`;
    expect(fires(rule, process4688())).toBe(true);
    expect(fires(rule, process4688({ NewProcessId: '0x1a2d' }))).toBe(false);
    const [alert] = engineFor(rule).evaluate(process4688());
    expect(alert?.details).toBe('ProcessId: 6700 ¦ ParentProcessId: 760 ¦ User: CHU\\adm-durand');
    const system = `    selection:
        User|contains: 'AUTHORI'
    condition: selection`;
    expect(fires(system, process4688({ SubjectUserSid: 'S-1-5-18', SubjectUserName: 'SRV-DPI$' }))).toBe(true);
    expect(fires(system, process4688())).toBe(false);
  });

  it('keeps the derived values out of keyword searches (the event does not hold them)', () => {
    const keywords = `    keywords:
        - 'High'
    condition: keywords`;
    expect(fires(keywords, process4688())).toBe(false);
    expect(fires(keywords, process4688({ CommandLine: 'wsreset.exe /high' }))).toBe(true);
  });

  it('groups a correlation by the Sigma field names, mapped onto the 4688 fields', () => {
    const yaml = `title: Process from a temporary folder
name: temp_process
logsource: {category: process_creation, product: windows}
detection:
  selection: {Image|contains: '\\Temp\\'}
  condition: selection
level: low
---
title: Same image started three times by one user
correlation:
  type: event_count
  rules: [temp_process]
  group-by: [Image, User]
  timespan: 1m
  condition: {gte: 3}
level: high
`;
    const parsed = parseSigmaYaml(yaml, 'corr.yml');
    expect(parsed.problems).toEqual([]);
    const engine = new SigmaEngine(parsed.documents);
    const data = (process4688().event.Event as { EventData: Record<string, string> }).EventData;
    const started = (image: string, second: number) =>
      aSecurityEvent(4688, { ...data, NewProcessName: image }, `2026-01-01T00:00:0${second}.000000Z`);
    const alerts = [
      started('C:\\Users\\a\\AppData\\Local\\Temp\\x.exe', 1),
      started('C:\\Users\\a\\AppData\\Local\\Temp\\y.exe', 2),
      started('C:\\Users\\a\\AppData\\Local\\Temp\\x.exe', 3),
      started('C:\\Users\\a\\AppData\\Local\\Temp\\x.exe', 4),
    ].flatMap((r) => engine.evaluate(r));
    const correlation = alerts.filter((a) => a.kind === 'correlation');
    expect(correlation.map((a) => a.details)).toEqual([
      'event_count: 3 ¦ Image: C:\\Users\\a\\AppData\\Local\\Temp\\x.exe ¦ User: CHU\\adm-durand',
    ]);
  });
});
