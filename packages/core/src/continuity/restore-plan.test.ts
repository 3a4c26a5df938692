import { describe, expect, it } from 'vitest';
import { continuityGraphSchema } from './model.js';
import { computeRestorePlan, criticalPathTo, simulateLoss } from './restore-plan.js';
import { smallHospital, smallHospitalInput } from './testing/small-hospital.js';

const byId = <T extends { id: string }>(list: T[], id: string) => {
  const found = list.find((x) => x.id === id);
  if (!found) throw new Error(`${id} missing`);
  return found;
};

describe('restore plan of the small hospital, unlimited teams', () => {
  const plan = computeRestorePlan(smallHospital());

  it('restores in priority groups, each component after its dependencies', () => {
    // Effective priorities: URG (P1) needs DPI, AD, DNS, HYPERV, STOR, so all are P1 (HYPERV is declared P2).
    // Depths: STOR 0, HYPERV 1, AD 2, DNS 2, DPI 3, PHARMA-APP 3, PAIE-APP 3.
    expect(plan.waves).toEqual([
      { priority: 1, step: 1, components: ['STOR'] },
      { priority: 1, step: 2, components: ['HYPERV'] },
      { priority: 1, step: 3, components: ['AD', 'DNS'] },
      { priority: 1, step: 4, components: ['DPI'] },
      { priority: 2, step: 1, components: ['PHARMA-APP'] },
      { priority: 3, step: 1, components: ['PAIE-APP'] },
    ]);
    expect(plan.order).toEqual(['STOR', 'HYPERV', 'AD', 'DNS', 'DPI', 'PHARMA-APP', 'PAIE-APP']);
  });

  it('computes the earliest times as the longest chain of restores', () => {
    // STOR 0→5; HYPERV 5→11; AD 11→15; DNS 11→12; DPI waits for AD: 15→18.
    // PHARMA-APP 15→17; PAIE-APP 15→17.
    const times = Object.fromEntries(plan.components.map((c) => [c.id, [c.startHours, c.finishHours]]));
    expect(times).toEqual({
      STOR: [0, 5],
      HYPERV: [5, 11],
      AD: [11, 15],
      DNS: [11, 12],
      DPI: [15, 18],
      'PHARMA-APP': [15, 17],
      'PAIE-APP': [15, 17],
    });
    // URG: DPI back at 18, + 0.5 h resumption = 18.5 > MTD 8.
    // PHARMA: max(PHARMA-APP 17, DPI 18) + 1 = 19 > RTO 12, ≤ MTD 24.
    // PAIE: PAIE-APP 17 + 2 = 19 ≤ RTO 72.
    expect(byId(plan.activities, 'URG')).toMatchObject({
      recoveryHours: 18.5,
      status: 'exceeds_mtd',
      rtoMarginHours: -14.5,
    });
    expect(byId(plan.activities, 'PHARMA')).toMatchObject({
      recoveryHours: 19,
      status: 'exceeds_rto',
      lastDependency: 'DPI',
    });
    expect(byId(plan.activities, 'PAIE')).toMatchObject({
      recoveryHours: 19,
      status: 'within_rto',
      rtoMarginHours: 53,
    });
    expect(plan.totalRecoveryHours).toBe(19);
    expect(plan.warnings.filter((w) => w.code === 'plan.mtd_exceeded').map((w) => w.nodes)).toEqual([['URG']]);
    expect(plan.warnings.filter((w) => w.code === 'plan.rto_exceeded').map((w) => w.nodes)).toEqual([['PHARMA']]);
  });

  it('gives the critical path to the latest activity', () => {
    // PHARMA and PAIE both end at 19; PHARMA has the higher priority, its chain is STOR→HYPERV→AD→DPI→PHARMA.
    expect(plan.criticalPath.map((s) => s.id)).toEqual(['STOR', 'HYPERV', 'AD', 'DPI', 'PHARMA']);
    expect(plan.criticalPath.at(-1)).toEqual({ id: 'PHARMA', kind: 'activity', startHours: 18, finishHours: 19 });
    expect(criticalPathTo(plan, 'PAIE')).toEqual(['STOR', 'HYPERV', 'AD', 'PAIE-APP', 'PAIE']);
  });

  it('reports the hypervisor as a priority inversion caused by emergency care', () => {
    expect(plan.priorityInversions).toEqual([
      { node: 'HYPERV', kind: 'component', declaredPriority: 2, requiredPriority: 1, requiredBy: 'URG' },
    ]);
  });

  it('reports single points of failure, leaving out the DNS that has an alternative', () => {
    // STOR, HYPERV, AD stop URG, PHARMA and PAIE (3, one of them P1); DPI stops URG and PHARMA (2).
    // PHARMA-APP and PAIE-APP stop one non-critical activity each: below the threshold of 2.
    expect(plan.singlePointsOfFailure.map((s) => [s.component, s.activityCount, s.criticalActivityCount])).toEqual([
      ['AD', 3, 1],
      ['HYPERV', 3, 1],
      ['STOR', 3, 1],
      ['DPI', 2, 1],
    ]);
    expect(
      byId(
        plan.singlePointsOfFailure.map((s) => ({ ...s, id: s.component })),
        'AD',
      ).activities,
    ).toEqual(['URG', 'PHARMA', 'PAIE']);
  });
});

describe('restore plan with one team', () => {
  it('restores one component at a time, most urgent and longest chain first', () => {
    // t0 STOR 0→5, HYPERV 5→11. At 11 AD and DNS are ready, both P1; AD's remaining chain is longer
    // (4 + DPI 3 + PHARMA 1 = 8 against DNS 1 + 4 = 5): AD 11→15, then DNS 15→16 before PHARMA-APP (P2)
    // and PAIE-APP (P3). DPI 16→19, URG 19.5. PHARMA-APP 19→21, PHARMA max(19, 21) + 1 = 22.
    // PAIE-APP 21→23, PAIE 25.
    const plan = computeRestorePlan(smallHospital(), { teams: 1 });
    const times = Object.fromEntries(plan.components.map((c) => [c.id, [c.startHours, c.finishHours]]));
    expect(times).toMatchObject({
      AD: [11, 15],
      DNS: [15, 16],
      DPI: [16, 19],
      'PHARMA-APP': [19, 21],
      'PAIE-APP': [21, 23],
    });
    expect(plan.activities.map((a) => [a.id, a.recoveryHours])).toEqual([
      ['URG', 19.5],
      ['PHARMA', 22],
      ['PAIE', 25],
    ]);
    expect(plan.teams).toBe(1);
  });
});

describe('what if the AD is lost', () => {
  it('impacts what needs the AD, restored from the AD only', () => {
    // AD 0→4; DPI, PHARMA-APP and PAIE-APP are intact and come back with the AD at 4.
    // URG 4 + 0.5 = 4.5 > RTO 4 (≤ MTD 8); PHARMA 4 + 1 = 5; PAIE 4 + 2 = 6.
    const result = simulateLoss(smallHospital(), ['AD']);
    if (!result.ok) throw new Error('simulation refused');
    const { impactedActivities, impactedComponents, plan } = result.value;
    expect(impactedActivities.map((a) => [a.id, a.recoveryHours, a.status])).toEqual([
      ['URG', 4.5, 'exceeds_rto'],
      ['PHARMA', 5, 'within_rto'],
      ['PAIE', 6, 'within_rto'],
    ]);
    expect(impactedComponents.sort()).toEqual(['AD', 'DPI', 'PAIE-APP', 'PHARMA-APP']);
    expect(plan.order).toEqual(['AD']);
    expect(criticalPathTo(plan, 'URG')).toEqual(['AD', 'DPI', 'URG']);
  });

  it('losing the AD and the hypervisor cluster brings back the chain HYPERV → AD', () => {
    // HYPERV 0→6 (storage intact), AD 6→10, DNS intact but behind HYPERV: back at 6. URG 10.5 > MTD 8.
    const result = simulateLoss(smallHospital(), ['AD', 'HYPERV']);
    if (!result.ok) throw new Error('simulation refused');
    expect(result.value.impactedActivities.map((a) => [a.id, a.recoveryHours, a.status])).toEqual([
      ['URG', 10.5, 'exceeds_mtd'],
      ['PHARMA', 11, 'within_rto'],
      ['PAIE', 12, 'within_rto'],
    ]);
    expect(result.value.plan.waves).toEqual([
      { priority: 1, step: 1, components: ['HYPERV'] },
      { priority: 1, step: 2, components: ['AD'] },
    ]);
  });

  it('leaves activities that do not need the lost component untouched', () => {
    const result = simulateLoss(smallHospital(), ['PAIE-APP']);
    if (!result.ok) throw new Error('simulation refused');
    expect(result.value.impactedActivities.map((a) => a.id)).toEqual(['PAIE']);
    expect(byId(result.value.plan.activities, 'URG')).toMatchObject({
      impacted: false,
      recoveryHours: 0,
      status: 'not_impacted',
    });
  });

  it('refuses unknown ids, activities and an empty set with a code naming them', () => {
    const result = simulateLoss(smallHospital(), ['AD', 'NOPE', 'URG']);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.node])).toEqual([
      ['whatif.unknown_component', 'NOPE'],
      ['whatif.not_a_component', 'URG'],
    ]);
    const empty = simulateLoss(smallHospital(), []);
    expect(!empty.ok && empty.errors[0]?.code).toBe('whatif.empty');
  });
});

describe('cycles', () => {
  it('names the nodes of a cycle and blocks only what depends on it', () => {
    const input = smallHospitalInput();
    input.dependencies.push({ from: 'AD', to: 'DPI' });
    const plan = computeRestorePlan(continuityGraphSchema.parse(input));
    // AD → DPI → AD: URG, PHARMA, PHARMA-APP, PAIE-APP and PAIE sit behind it.
    expect(plan.cycles).toEqual([{ nodes: ['AD', 'DPI'], path: expect.any(Array) }]);
    const path = plan.cycles[0]!.path;
    expect(path[0]).toBe(path.at(-1));
    expect(new Set(path)).toEqual(new Set(['AD', 'DPI']));
    expect(plan.blockedByCycle.sort()).toEqual(['PAIE', 'PAIE-APP', 'PHARMA', 'PHARMA-APP', 'URG']);
    expect(plan.warnings.find((w) => w.code === 'plan.cycle')?.message).toMatch(
      /cycle de dépendances : (AD → DPI → AD|DPI → AD → DPI)/,
    );
    expect(byId(plan.activities, 'URG')).toMatchObject({ recoveryHours: null, status: 'blocked_by_cycle' });
    expect(plan.totalRecoveryHours).toBeNull();
    // The part the cycle does not block is still planned.
    expect(plan.order).toEqual(['STOR', 'HYPERV', 'DNS']);
  });

  it('finds a component depending on itself', () => {
    const input = smallHospitalInput();
    input.dependencies.push({ from: 'STOR', to: 'STOR' });
    const plan = computeRestorePlan(continuityGraphSchema.parse(input));
    expect(plan.cycles).toEqual([{ nodes: ['STOR'], path: ['STOR', 'STOR'] }]);
  });

  it('finds every cycle of a long ring without recursion limits', () => {
    const n = 100_000;
    const components = Array.from({ length: n }, (_, i) => ({
      id: `c${i}`,
      name: `c${i}`,
      kind: 'server' as const,
      priority: 3,
      restoreHours: 1,
    }));
    const dependencies = components.map((_, i) => ({ from: `c${i}`, to: `c${(i + 1) % n}` }));
    const plan = computeRestorePlan(continuityGraphSchema.parse({ activities: [], components, dependencies }));
    expect(plan.cycles).toHaveLength(1);
    expect(plan.cycles[0]!.nodes).toHaveLength(n);
    expect(plan.cycles[0]!.path).toHaveLength(n + 1);
  });
});

describe('unchecked input', () => {
  it('ignores a dependency on an unknown node with an error warning instead of crashing', () => {
    const graph = smallHospital();
    graph.dependencies.push({ from: 'URG', to: 'GHOST' });
    const plan = computeRestorePlan(graph);
    expect(plan.warnings.find((w) => w.code === 'plan.dangling_reference')?.nodes).toEqual(['URG', 'GHOST']);
    expect(byId(plan.activities, 'URG').recoveryHours).toBe(18.5);
  });

  it('handles a graph with nothing in it', () => {
    const plan = computeRestorePlan({ activities: [], components: [], dependencies: [] });
    expect(plan).toMatchObject({ order: [], activities: [], criticalPath: [], totalRecoveryHours: null, cycles: [] });
  });
});
