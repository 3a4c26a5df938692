import { describe, expect, it } from 'vitest';
import { SigmaEngine } from './engine.js';
import { parseSigmaYaml } from './rule-parser.js';
import { aSysmonEvent } from './test-helpers.js';

const BASE = `title: Failed logon
id: 11111111-1111-1111-1111-111111111111
name: failed_logon
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4625}
  condition: selection
level: low
---
title: Success logon
name: success_logon
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4624}
  condition: selection
level: low
`;

const security = (eventId: number, user: string, ip: string, second: number) =>
  aSysmonEvent(
    eventId,
    { TargetUserName: user, IpAddress: ip },
    `2026-01-01T00:00:${String(second).padStart(2, '0')}.000000Z`,
    'Security',
  );

function engineWith(correlation: string): SigmaEngine {
  const { documents, problems } = parseSigmaYaml(`${BASE}---\n${correlation}`, 'corr.yml');
  expect(problems).toEqual([]);
  return new SigmaEngine(documents);
}

const run = (engine: SigmaEngine, records: ReturnType<typeof security>[]) => [
  ...records.flatMap((r) => engine.evaluate(r)),
  ...engine.flush(),
];

describe('Sigma correlation rules', () => {
  it('event_count: 3 failures of one user within 10 s fire once; base rule alerts are not generated', () => {
    const engine = engineWith(`title: Brute force
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 10s
  condition: {gte: 3}
level: high
`);
    const alerts = run(engine, [
      security(4625, 'alice', '1.1.1.1', 0),
      security(4625, 'bob', '1.1.1.1', 1),
      security(4625, 'alice', '1.1.1.1', 2),
      security(4625, 'alice', '1.1.1.1', 5),
      security(4625, 'alice', '1.1.1.1', 40),
    ]);
    expect(alerts.map((a) => [a.kind, a.ruleTitle, a.details])).toEqual([
      ['correlation', 'Brute force', 'event_count: 3 ¦ TargetUserName: alice'],
    ]);
  });

  it('event_count respects the timespan', () => {
    const engine = engineWith(`title: Brute force
correlation: {type: event_count, rules: [failed_logon], timespan: 5s, condition: {gte: 2}}
`);
    expect(run(engine, [security(4625, 'a', 'x', 0), security(4625, 'a', 'x', 10)])).toEqual([]);
  });

  it('value_count counts distinct values per group, with generate keeping base alerts', () => {
    const engine = engineWith(`title: Spray
correlation:
  type: value_count
  rules: [11111111-1111-1111-1111-111111111111]
  group-by: [IpAddress]
  timespan: 1m
  condition: {gte: 3, field: TargetUserName}
  generate: true
level: high
`);
    const alerts = run(engine, [
      security(4625, 'a', '9.9.9.9', 0),
      security(4625, 'a', '9.9.9.9', 1),
      security(4625, 'b', '9.9.9.9', 2),
      security(4625, 'c', '9.9.9.9', 3),
    ]);
    expect(alerts.filter((a) => a.kind === 'rule')).toHaveLength(4);
    expect(alerts.filter((a) => a.kind === 'correlation').map((a) => a.details)).toEqual([
      'value_count: 3 ¦ IpAddress: 9.9.9.9',
    ]);
  });

  it('temporal and temporal_ordered', () => {
    const temporal = engineWith(`title: Fail then success
correlation: {type: temporal, rules: [failed_logon, success_logon], group-by: [TargetUserName], timespan: 30s}
`);
    expect(run(temporal, [security(4624, 'a', 'x', 0), security(4625, 'a', 'x', 5)]).map((a) => a.ruleTitle)).toEqual([
      'Fail then success',
    ]);
    const ordered = engineWith(`title: Fail then success (ordered)
correlation: {type: temporal_ordered, rules: [failed_logon, success_logon], group-by: [TargetUserName], timespan: 30s}
`);
    expect(run(ordered, [security(4624, 'a', 'x', 0), security(4625, 'a', 'x', 5)])).toEqual([]);
    expect(run(ordered, [security(4625, 'b', 'x', 0), security(4624, 'b', 'x', 5)]).map((a) => a.ruleTitle)).toEqual([
      'Fail then success (ordered)',
    ]);
  });

  it('lt conditions are judged when the window closes', () => {
    const engine = engineWith(`title: Too few
correlation: {type: event_count, rules: [failed_logon], timespan: 10s, condition: {lt: 2}}
`);
    expect(run(engine, [security(4625, 'a', 'x', 0), security(4625, 'a', 'x', 30)]).map((a) => a.details)).toEqual([
      'event_count: 1',
      'event_count: 1',
    ]);
  });

  it('reports unsupported correlation types and bad timespans per rule', () => {
    const { documents } = parseSigmaYaml(
      `${BASE}---\ntitle: Sum\ncorrelation: {type: value_sum, rules: [failed_logon], timespan: 1h, condition: {gt: 1, field: X}}\n---\ntitle: Bad\ncorrelation: {type: event_count, rules: [failed_logon], timespan: soon, condition: {gt: 1}}\n`,
      'c.yml',
    );
    const engine = new SigmaEngine(documents);
    expect(engine.problems.map((p) => [p.title, p.code])).toEqual([
      ['Sum', 'unsupported'],
      ['Bad', 'schema'],
    ]);
    const refs = parseSigmaYaml(
      `${BASE}---\ntitle: Ghost\ncorrelation: {type: event_count, rules: [no_such_rule], timespan: 1h, condition: {gt: 1}}\n---\ntitle: Chain\nname: chain\ncorrelation: {type: event_count, rules: [chain2], timespan: 1h, condition: {gt: 1}}\n---\ntitle: Chain2\nname: chain2\ncorrelation: {type: event_count, rules: [failed_logon], timespan: 1h, condition: {gt: 1}}\n`,
      'r.yml',
    );
    const e2 = new SigmaEngine(refs.documents);
    expect(e2.problems.map((p) => [p.title, p.code, p.message])).toEqual([
      ['Ghost', 'schema', expect.stringContaining('no_such_rule')],
      ['Chain', 'unsupported', expect.stringContaining('chain2')],
    ]);
    expect(e2.counts.correlations).toBe(1);
  });
});
