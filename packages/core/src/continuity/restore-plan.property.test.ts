import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContinuityGraph, ContinuityPriority } from './model.js';
import { computeRestorePlan, simulateLoss } from './restore-plan.js';

/**
 * Random acyclic graphs: components c0…cN-1 where ci may only depend on cj with j < i, activities that depend
 * on components or on earlier activities. Durations are whole hours so sums are exact.
 */
const dagArbitrary = fc
  .record({
    activities: fc.integer({ min: 0, max: 6 }),
    components: fc.integer({ min: 1, max: 25 }),
  })
  .chain(({ activities, components }) =>
    fc.record({
      activities: fc.array(
        fc.record({
          priority: fc.integer({ min: 1, max: 5 }),
          rto: fc.integer({ min: 0, max: 30 }),
          slack: fc.integer({ min: 0, max: 30 }),
          resumption: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: activities, maxLength: activities },
      ),
      components: fc.array(
        fc.record({
          priority: fc.integer({ min: 1, max: 5 }),
          hours: fc.integer({ min: 0, max: 9 }),
          alternative: fc.boolean(),
        }),
        { minLength: components, maxLength: components },
      ),
      componentEdges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 60 }),
      activityEdges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 20 }),
    }),
  )
  .map((spec): ContinuityGraph => {
    const graph: ContinuityGraph = {
      activities: spec.activities.map((a, i) => ({
        id: `a${i}`,
        name: `a${i}`,
        kind: 'care_service',
        owner: 'x',
        priority: a.priority as ContinuityPriority,
        rtoHours: a.rto,
        mtdHours: a.rto + a.slack,
        rpoHours: 0,
        resumptionHours: a.resumption,
        impacts: [],
        degradedModeProcedure: '',
      })),
      components: spec.components.map((c, i) => ({
        id: `c${i}`,
        name: `c${i}`,
        kind: 'server',
        priority: c.priority as ContinuityPriority,
        restoreHours: c.hours,
        hasAlternative: c.alternative,
      })),
      dependencies: [],
    };
    const n = graph.components.length;
    for (const [x, y] of spec.componentEdges) {
      const from = x % n;
      if (from === 0) continue;
      graph.dependencies.push({ from: `c${from}`, to: `c${y % from}` });
    }
    const na = graph.activities.length;
    for (const [x, y, onActivity] of spec.activityEdges) {
      if (na === 0) break;
      const from = x % na;
      if (onActivity && from > 0) graph.dependencies.push({ from: `a${from}`, to: `a${y % from}` });
      else graph.dependencies.push({ from: `a${from}`, to: `c${y % n}` });
    }
    return graph;
  });

function times(graph: ContinuityGraph, teams?: number) {
  const plan = computeRestorePlan(graph, teams === undefined ? {} : { teams });
  const finish = new Map<string, number>();
  const start = new Map<string, number>();
  for (const c of plan.components) {
    finish.set(c.id, c.finishHours);
    start.set(c.id, c.startHours);
  }
  for (const a of plan.activities) finish.set(a.id, a.recoveryHours!);
  const impacted = new Set([
    ...plan.components.map((c) => c.id),
    ...plan.activities.filter((a) => a.impacted).map((a) => a.id),
  ]);
  return { plan, finish, start, impacted };
}

const own = (graph: ContinuityGraph, id: string) =>
  graph.components.find((c) => c.id === id)?.restoreHours ?? graph.activities.find((a) => a.id === id)!.resumptionHours;

describe('restore plan on random acyclic graphs (properties)', () => {
  it('orders every component after all its dependencies and lists each component once', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        const plan = computeRestorePlan(graph);
        expect(plan.cycles).toEqual([]);
        expect([...plan.order].sort()).toEqual(graph.components.map((c) => c.id).sort());
        const position = new Map(plan.order.map((id, i) => [id, i]));
        for (const d of graph.dependencies) {
          if (position.has(d.from) && position.has(d.to))
            expect(position.get(d.to)!).toBeLessThan(position.get(d.from)!);
        }
      }),
    );
  });

  it('recovers every node no earlier than each dependency plus its own duration, with or without team limits', () => {
    fc.assert(
      fc.property(dagArbitrary, fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), (graph, teams) => {
        const { finish, impacted } = times(graph, teams);
        for (const d of graph.dependencies) {
          if (impacted.has(d.to)) expect(impacted.has(d.from)).toBe(true);
          const work = impacted.has(d.from) ? own(graph, d.from) : 0;
          expect(finish.get(d.from)!).toBeGreaterThanOrEqual(finish.get(d.to)! + work);
        }
      }),
    );
  });

  it('with unlimited teams a node recovers exactly when its last dependency does, plus its own duration', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        // Everything is lost: components always restore; an activity is impacted when it needs something.
        const { finish, impacted } = times(graph);
        const ids = [...graph.activities.map((a) => a.id), ...graph.components.map((c) => c.id)];
        for (const id of ids) {
          const deps = graph.dependencies.filter((d) => d.from === id).map((d) => finish.get(d.to)!);
          expect(finish.get(id)).toBe(impacted.has(id) ? Math.max(0, ...deps) + own(graph, id) : 0);
        }
      }),
    );
  });

  it('never runs more components at once than there are teams, and enough teams equal no limit', () => {
    fc.assert(
      fc.property(dagArbitrary, fc.integer({ min: 1, max: 3 }), (graph, teams) => {
        const { plan } = times(graph, teams);
        const busy = plan.components.filter((c) => c.finishHours > c.startHours);
        for (const c of busy) {
          const running = busy.filter((o) => o.startHours <= c.startHours && o.finishHours > c.startHours);
          expect(running.length).toBeLessThanOrEqual(teams);
        }
        const many = times(graph, graph.components.length).finish;
        const unlimited = times(graph).finish;
        expect(many).toEqual(unlimited);
      }),
    );
  });

  it('removing a component nothing depends on changes no activity recovery time', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        const needed = new Set(graph.dependencies.map((d) => d.to));
        const unrelated = graph.components.find((c) => !needed.has(c.id));
        if (!unrelated) return;
        const smaller: ContinuityGraph = {
          activities: graph.activities,
          components: graph.components.filter((c) => c !== unrelated),
          dependencies: graph.dependencies.filter((d) => d.from !== unrelated.id),
        };
        const before = computeRestorePlan(graph).activities;
        const after = computeRestorePlan(smaller).activities;
        expect(after).toEqual(before);
      }),
    );
  });

  it('losing every component is the full plan, and losing more never recovers sooner', () => {
    fc.assert(
      fc.property(dagArbitrary, fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), (graph, picks) => {
        const all = simulateLoss(
          graph,
          graph.components.map((c) => c.id),
        );
        expect(all.ok && all.value.plan.activities).toEqual(computeRestorePlan(graph).activities);
        const lost = [...new Set(picks.map((p) => graph.components[p % graph.components.length]!.id))];
        const some = simulateLoss(graph, lost);
        const fewer = simulateLoss(graph, lost.slice(1));
        if (!some.ok) throw new Error('refused');
        // Impacted = the lost components and everything that needs one of them, directly or not.
        const impacted = new Set(lost);
        for (let grew = true; grew; ) {
          grew = false;
          for (const d of graph.dependencies) {
            if (impacted.has(d.to) && !impacted.has(d.from)) {
              impacted.add(d.from);
              grew = true;
            }
          }
        }
        expect(new Set(some.value.impactedActivities.map((a) => a.id))).toEqual(
          new Set(graph.activities.filter((a) => impacted.has(a.id)).map((a) => a.id)),
        );
        if (fewer.ok) {
          fewer.value.plan.activities.forEach((a, i) => {
            expect(some.value.plan.activities[i]!.recoveryHours!).toBeGreaterThanOrEqual(a.recoveryHours!);
          });
        }
      }),
    );
  });

  it('gives each component a restore group at least as urgent as everything that needs it', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        const plan = computeRestorePlan(graph);
        const effective = new Map<string, number>(plan.components.map((c) => [c.id, c.effectivePriority]));
        for (const a of plan.activities) effective.set(a.id, a.effectivePriority);
        for (const d of graph.dependencies) expect(effective.get(d.to)!).toBeLessThanOrEqual(effective.get(d.from)!);
        for (const inv of plan.priorityInversions) expect(inv.requiredPriority).toBeLessThan(inv.declaredPriority);
      }),
    );
  });

  it('a single point of failure has no alternative and stops a priority-1 activity or at least two', () => {
    fc.assert(
      fc.property(dagArbitrary, (graph) => {
        const plan = computeRestorePlan(graph);
        for (const spof of plan.singlePointsOfFailure) {
          expect(graph.components.find((c) => c.id === spof.component)!.hasAlternative).toBe(false);
          const loss = simulateLoss(graph, [spof.component]);
          if (!loss.ok) throw new Error('refused');
          expect(loss.value.impactedActivities.length).toBe(spof.activityCount);
          expect(spof.criticalActivityCount > 0 || spof.activityCount >= 2).toBe(true);
        }
      }),
    );
  });

  it('always detects an added back edge as a cycle through real edges', () => {
    fc.assert(
      fc.property(dagArbitrary, fc.nat(), (graph, pick) => {
        const componentEdges = graph.dependencies.filter((d) => d.from.startsWith('c'));
        if (componentEdges.length === 0) return;
        const edge = componentEdges[pick % componentEdges.length]!;
        const cyclic = { ...graph, dependencies: [...graph.dependencies, { from: edge.to, to: edge.from }] };
        const plan = computeRestorePlan(cyclic);
        expect(plan.cycles.length).toBeGreaterThan(0);
        expect(plan.cycles.some((c) => c.nodes.includes(edge.from) && c.nodes.includes(edge.to))).toBe(true);
        const edges = new Set(cyclic.dependencies.map((d) => `${d.from}>${d.to}`));
        for (const cycle of plan.cycles) {
          expect(cycle.path[0]).toBe(cycle.path.at(-1));
          for (let i = 0; i + 1 < cycle.path.length; i++)
            expect(edges.has(`${cycle.path[i]}>${cycle.path[i + 1]}`)).toBe(true);
        }
      }),
    );
  });
});
