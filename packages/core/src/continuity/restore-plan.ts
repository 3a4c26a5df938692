import { buildGraphIndex, cycleThrough, cyclicComponents, type GraphIndex, topologicalOrder } from './graph-index.js';
import type { ContinuityGraph, ContinuityIssue, ContinuityPriority, ContinuityResult } from './model.js';

/**
 * Restore plan of a continuity graph: in which order to rebuild the components, when every critical activity
 * can resume compared with its RTO and maximum tolerable downtime, and what in the graph makes that fragile.
 *
 * Model: a component can start being restored when every component it depends on is restored; restoring it
 * takes `restoreHours` of one team. An activity resumes `resumptionHours` after its last dependency is back
 * and needs no IT team. With no team limit every ready component is restored at once (earliest times = longest
 * path, dynamic programming on the DAG); with `teams` set, ready components wait for a free team, taken in
 * order of effective priority then longest remaining chain (list scheduling).
 */

export interface RestorePlanOptions {
  /** Teams restoring in parallel; absent or Infinity = no limit. */
  teams?: number;
  /** Ids of the components lost; absent = every component (rebuild from scratch). */
  lost?: readonly string[];
  /** A component without alternative is a single point of failure when at least this many activities need it. */
  spofMinActivities?: number;
}

export type ActivityRecoveryStatus = 'not_impacted' | 'within_rto' | 'exceeds_rto' | 'exceeds_mtd' | 'blocked_by_cycle';

export interface ActivityRecovery {
  id: string;
  name: string;
  priority: ContinuityPriority;
  /** Most urgent priority among the activity and the activities that need it. */
  effectivePriority: ContinuityPriority;
  rtoHours: number;
  mtdHours: number;
  impacted: boolean;
  /** Earliest time the activity is back, in hours after the incident; null when a cycle blocks it. */
  recoveryHours: number | null;
  status: ActivityRecoveryStatus;
  /** RTO minus recovery time: negative when the RTO is missed. */
  rtoMarginHours: number | null;
  /** The dependency that comes back last and so sets the recovery time. */
  lastDependency: string | null;
}

/** Schedule of an impacted component: restored when lost, otherwise back as soon as its dependencies are. */
export interface ComponentSchedule {
  id: string;
  restored: boolean;
  declaredPriority: ContinuityPriority;
  /** Most urgent priority among everything that needs it (directly or not): its restore group. */
  effectivePriority: ContinuityPriority;
  /** 1-based step inside the priority group (restored components only): dependencies come in earlier steps. */
  step: number | null;
  startHours: number;
  finishHours: number;
  /** The dependency restored last before this one could start (null when it has none lost). */
  waitedFor: string | null;
}

export interface RestoreWave {
  priority: ContinuityPriority;
  step: number;
  components: string[];
}

export interface CriticalPathStep {
  id: string;
  kind: 'activity' | 'component';
  startHours: number;
  finishHours: number;
}

export interface DependencyCycle {
  /** Every node of the strongly connected component. */
  nodes: string[];
  /** One concrete cycle, first node repeated at the end: a → b → c → a. */
  path: string[];
}

export interface PriorityInversion {
  /** The component (or activity) declared less urgent than something that needs it. */
  node: string;
  kind: 'activity' | 'component';
  declaredPriority: ContinuityPriority;
  requiredPriority: ContinuityPriority;
  /** The node whose own priority requires it (often a critical activity). */
  requiredBy: string;
}

/**
 * A single point of failure is a component with no alternative (`hasAlternative` false) whose loss alone
 * stops a priority-1 activity or at least `spofMinActivities` activities, directly or through other components.
 */
export interface SinglePointOfFailure {
  component: string;
  activityCount: number;
  criticalActivityCount: number;
  /** Up to 50 of the activities it stops, most critical first. */
  activities: string[];
}

export interface PlanWarning {
  code:
    | 'plan.cycle'
    | 'plan.blocked_by_cycle'
    | 'plan.priority_inversion'
    | 'plan.single_point_of_failure'
    | 'plan.rto_exceeded'
    | 'plan.mtd_exceeded'
    | 'plan.dangling_reference';
  severity: 'error' | 'warning';
  message: string;
  nodes: string[];
}

export interface RestorePlan {
  teams: number | null;
  lost: string[];
  waves: RestoreWave[];
  /** Restore order of the lost components: waves flattened. */
  order: string[];
  components: ComponentSchedule[];
  activities: ActivityRecovery[];
  /** Chain of nodes that sets the latest activity recovery, dependencies first. */
  criticalPath: CriticalPathStep[];
  /** Time at which every impacted activity is back (null if a cycle blocks one). */
  totalRecoveryHours: number | null;
  cycles: DependencyCycle[];
  blockedByCycle: string[];
  priorityInversions: PriorityInversion[];
  singlePointsOfFailure: SinglePointOfFailure[];
  warnings: PlanWarning[];
}

/** Binary min-heap of node numbers under a comparison. */
class NodeHeap {
  private readonly items: number[] = [];
  constructor(private readonly before: (a: number, b: number) => boolean) {}
  get size() {
    return this.items.length;
  }
  peek() {
    return this.items[0];
  }
  push(v: number) {
    const items = this.items;
    let i = items.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(items[i]!, items[p]!)) break;
      [items[i], items[p]] = [items[p]!, items[i]!];
      i = p;
    }
  }
  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < items.length && this.before(items[l]!, items[best]!)) best = l;
        if (r < items.length && this.before(items[r]!, items[best]!)) best = r;
        if (best === i) break;
        [items[i], items[best]] = [items[best]!, items[i]!];
        i = best;
      }
    }
    return top;
  }
}

const fmt = (hours: number) => `${Math.round(hours * 100) / 100} h`;

interface Schedule {
  affected: Uint8Array;
  start: Float64Array;
  finish: Float64Array;
  waitedFor: Int32Array;
}

/** Earliest times with unlimited teams: longest path on the DAG, in topological order. */
function scheduleUnlimited(index: GraphIndex, topo: Int32Array, lost: Uint8Array): Schedule {
  const { size, activityCount, depStart, depList, ownHours } = index;
  const affected = new Uint8Array(size);
  const start = new Float64Array(size).fill(Number.NaN);
  const finish = new Float64Array(size).fill(Number.NaN);
  const waitedFor = new Int32Array(size).fill(-1);
  for (let t = 0; t < topo.length; t++) {
    const v = topo[t]!;
    let ready = 0;
    let pred = -1;
    let hit = lost[v]!;
    for (let k = depStart[v]!; k < depStart[v + 1]!; k++) {
      const u = depList[k]!;
      if (!affected[u]) continue;
      hit = 1;
      if (pred === -1 || finish[u]! > ready) {
        ready = finish[u]!;
        pred = u;
      }
    }
    if (!hit) {
      start[v] = finish[v] = 0;
      continue;
    }
    affected[v] = 1;
    start[v] = ready;
    finish[v] = ready + (lost[v] || v < activityCount ? ownHours[v]! : 0);
    waitedFor[v] = pred;
  }
  return { affected, start, finish, waitedFor };
}

/**
 * List scheduling with a fixed number of teams. Ready lost components wait in a heap ordered by effective
 * priority, then longest remaining chain to an activity, then input order; activities and components that need
 * no work finish as soon as they are ready.
 */
function scheduleWithTeams(
  index: GraphIndex,
  topo: Int32Array,
  lost: Uint8Array,
  teams: number,
  effective: Uint8Array,
): Schedule {
  const { size, activityCount, depStart, depList, revStart, revList, ownHours } = index;
  // Which nodes are affected, and their work, as in the unlimited case.
  const base = scheduleUnlimited(index, topo, lost);
  const { affected } = base;
  const work = new Float64Array(size);
  for (let t = 0; t < topo.length; t++) {
    const v = topo[t]!;
    if (affected[v]) work[v] = lost[v] || v < activityCount ? ownHours[v]! : 0;
  }
  const needsTeam = (v: number) => v >= activityCount && lost[v] === 1 && work[v]! > 0;
  // Longest chain of work from a node up to any activity that needs it.
  const tail = new Float64Array(size);
  for (let t = topo.length - 1; t >= 0; t--) {
    const v = topo[t]!;
    if (!affected[v]) continue;
    let longest = 0;
    for (let k = revStart[v]!; k < revStart[v + 1]!; k++) {
      const w = revList[k]!;
      if (affected[w] && tail[w]! > longest) longest = tail[w]!;
    }
    tail[v] = work[v]! + longest;
  }
  const start = new Float64Array(size).fill(Number.NaN);
  const finish = new Float64Array(size).fill(Number.NaN);
  const waitedFor = new Int32Array(size).fill(-1);
  const readyAt = new Float64Array(size);
  const missing = new Int32Array(size);
  const instant: number[] = [];
  const ready = new NodeHeap((a, b) => {
    if (effective[a] !== effective[b]) return effective[a]! < effective[b]!;
    if (tail[a] !== tail[b]) return tail[a]! > tail[b]!;
    return a < b;
  });
  const running = new NodeHeap((a, b) => (finish[a] !== finish[b] ? finish[a]! < finish[b]! : a < b));
  for (let t = 0; t < topo.length; t++) {
    const v = topo[t]!;
    if (!affected[v]) {
      start[v] = finish[v] = 0;
      continue;
    }
    let count = 0;
    for (let k = depStart[v]!; k < depStart[v + 1]!; k++) if (affected[depList[k]!]) count++;
    missing[v] = count;
    if (count === 0) {
      if (needsTeam(v)) ready.push(v);
      else instant.push(v);
    }
  }
  const complete = (v: number, at: number) => {
    finish[v] = at;
    for (let k = revStart[v]!; k < revStart[v + 1]!; k++) {
      const w = revList[k]!;
      if (!affected[w]) continue;
      if (waitedFor[w] === -1 || at > readyAt[w]!) {
        readyAt[w] = at;
        waitedFor[w] = v;
      }
      if (--missing[w]! === 0) {
        if (needsTeam(w)) ready.push(w);
        else instant.push(w);
      }
    }
  };
  // Nodes needing no team finish as soon as they are ready (activities add their resumption time).
  const drainInstant = () => {
    while (instant.length > 0) {
      const v = instant.pop()!;
      start[v] = readyAt[v]!;
      complete(v, readyAt[v]! + work[v]!);
    }
  };
  let now = 0;
  drainInstant();
  for (;;) {
    while (running.size < teams && ready.size > 0) {
      const v = ready.pop()!;
      // readyAt exceeds now only for a component behind an activity, which validation refuses.
      start[v] = Math.max(now, readyAt[v]!);
      finish[v] = start[v]! + work[v]!;
      running.push(v);
    }
    if (running.size === 0) break;
    now = finish[running.peek()!]!;
    while (running.size > 0 && finish[running.peek()!] === now) complete(running.pop()!, now);
    drainInstant();
  }
  return { affected, start, finish, waitedFor };
}

function effectivePriorities(index: GraphIndex, topo: Int32Array) {
  const { size, priority, revStart, revList } = index;
  const effective = priority.slice();
  const origin = new Int32Array(size);
  for (let v = 0; v < size; v++) origin[v] = v;
  for (let t = topo.length - 1; t >= 0; t--) {
    const v = topo[t]!;
    for (let k = revStart[v]!; k < revStart[v + 1]!; k++) {
      const w = revList[k]!;
      // At equal priority an activity is the better explanation ("emergency care needs it").
      if (
        effective[w]! < effective[v]! ||
        (effective[w] === effective[v] && origin[v]! >= index.activityCount && origin[w]! < index.activityCount)
      ) {
        effective[v] = effective[w]!;
        origin[v] = origin[w]!;
      }
    }
  }
  return { effective, origin };
}

function popcount(x: number) {
  let y = x - ((x >>> 1) & 0x55555555);
  y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
  return (((y + (y >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Activities that need each component, as bitsets propagated from dependants (reverse topological order). */
function singlePoints(
  graph: ContinuityGraph,
  index: GraphIndex,
  topo: Int32Array,
  minActivities: number,
): SinglePointOfFailure[] {
  const { activityCount, revStart, revList } = index;
  if (activityCount === 0) return [];
  const words = Math.ceil(activityCount / 32);
  const rank = new Int32Array(index.size).fill(-1);
  for (let t = 0; t < topo.length; t++) rank[topo[t]!] = t;
  const bits = new Uint32Array(topo.length * words);
  const byPriority = Array.from({ length: 6 }, () => new Uint32Array(words));
  for (let a = 0; a < activityCount; a++) byPriority[graph.activities[a]!.priority]![a >>> 5]! |= 1 << (a & 31);
  const critical = byPriority[1]!;
  const result: SinglePointOfFailure[] = [];
  for (let t = topo.length - 1; t >= 0; t--) {
    const v = topo[t]!;
    const base = t * words;
    if (v < activityCount) bits[base + (v >>> 5)]! |= 1 << (v & 31);
    for (let k = revStart[v]!; k < revStart[v + 1]!; k++) {
      const other = rank[revList[k]!]! * words;
      for (let i = 0; i < words; i++) bits[base + i]! |= bits[other + i]!;
    }
    if (v < activityCount) continue;
    const component = graph.components[v - activityCount]!;
    if (component.hasAlternative) continue;
    let count = 0;
    let criticalCount = 0;
    for (let i = 0; i < words; i++) {
      count += popcount(bits[base + i]!);
      criticalCount += popcount(bits[base + i]! & critical[i]!);
    }
    if (criticalCount === 0 && count < minActivities) continue;
    // Most critical first without sorting: one pass per priority over its mask, stopping at 50.
    const activities: string[] = [];
    for (let p = 1; p <= 5 && activities.length < 50; p++) {
      const mask = byPriority[p]!;
      for (let i = 0; i < words && activities.length < 50; i++) {
        let w = bits[base + i]! & mask[i]!;
        while (w !== 0 && activities.length < 50) {
          const low = w & -w;
          activities.push(index.ids[i * 32 + (31 - Math.clz32(low))]!);
          w ^= low;
        }
      }
    }
    result.push({
      component: component.id,
      activityCount: count,
      criticalActivityCount: criticalCount,
      activities,
    });
  }
  result.sort(
    (a, b) =>
      b.criticalActivityCount - a.criticalActivityCount ||
      b.activityCount - a.activityCount ||
      (a.component < b.component ? -1 : 1),
  );
  return result;
}

/** Computes the restore plan; a graph with cycles still gets a plan for the part the cycles do not block. */
export function computeRestorePlan(graph: ContinuityGraph, options: RestorePlanOptions = {}): RestorePlan {
  const index = buildGraphIndex(graph);
  const { size, activityCount, ids, depStart, depList } = index;
  const warnings: PlanWarning[] = [];
  for (const d of index.dangling) {
    warnings.push({
      code: 'plan.dangling_reference',
      severity: 'error',
      message: `dépendance ${d.from} → ${d.to} ignorée : élément inconnu`,
      nodes: [d.from, d.to],
    });
  }
  const topo = topologicalOrder(index);

  // Cycles: only searched when Kahn could not order everything.
  const cycles: DependencyCycle[] = [];
  const blockedByCycle: string[] = [];
  if (topo.length < size) {
    const unordered = new Uint8Array(size).fill(1);
    for (let t = 0; t < topo.length; t++) unordered[topo[t]!] = 0;
    const onCycle = new Uint8Array(size);
    for (const component of cyclicComponents(index, unordered)) {
      for (const v of component) onCycle[v] = 1;
      const path = cycleThrough(index, component).map((v) => ids[v]!);
      cycles.push({ nodes: component.map((v) => ids[v]!).sort(), path });
      warnings.push({
        code: 'plan.cycle',
        severity: 'error',
        message: `cycle de dépendances : ${path.join(' → ')}`,
        nodes: path.slice(0, -1),
      });
    }
    for (let v = 0; v < size; v++) if (unordered[v] && !onCycle[v]) blockedByCycle.push(ids[v]!);
    if (blockedByCycle.length > 0) {
      warnings.push({
        code: 'plan.blocked_by_cycle',
        severity: 'error',
        message: `${blockedByCycle.length} élément(s) dépendent d'un cycle et ne peuvent pas être planifiés : ${blockedByCycle.slice(0, 10).join(', ')}${blockedByCycle.length > 10 ? '…' : ''}`,
        nodes: blockedByCycle,
      });
    }
  }

  const { effective, origin } = effectivePriorities(index, topo);
  const priorityInversions: PriorityInversion[] = [];
  for (let t = 0; t < topo.length; t++) {
    const v = topo[t]!;
    if (effective[v] === index.priority[v]) continue;
    const inversion: PriorityInversion = {
      node: ids[v]!,
      kind: v < activityCount ? 'activity' : 'component',
      declaredPriority: index.priority[v] as ContinuityPriority,
      requiredPriority: effective[v] as ContinuityPriority,
      requiredBy: ids[origin[v]!]!,
    };
    priorityInversions.push(inversion);
    warnings.push({
      code: 'plan.priority_inversion',
      severity: 'warning',
      message: `${inversion.requiredBy} (priorité ${inversion.requiredPriority}) dépend de ${inversion.node} (priorité ${inversion.declaredPriority}) : à restaurer avec le groupe P${inversion.requiredPriority}`,
      nodes: [inversion.node, inversion.requiredBy],
    });
  }

  // Depth: 0 without dependencies, else one more than the deepest dependency.
  const level = new Int32Array(size);
  for (let t = 0; t < topo.length; t++) {
    const v = topo[t]!;
    let deepest = -1;
    for (let k = depStart[v]!; k < depStart[v + 1]!; k++)
      if (level[depList[k]!]! > deepest) deepest = level[depList[k]!]!;
    level[v] = deepest + 1;
  }

  const lost = new Uint8Array(size);
  if (options.lost === undefined) lost.fill(1, activityCount);
  else for (const id of options.lost) if (index.position.has(id)) lost[index.position.get(id)!] = 1;
  const teams =
    options.teams !== undefined && Number.isFinite(options.teams) ? Math.max(1, Math.floor(options.teams)) : null;
  const schedule =
    teams === null ? scheduleUnlimited(index, topo, lost) : scheduleWithTeams(index, topo, lost, teams, effective);
  const { affected, start, finish, waitedFor } = schedule;

  // Waves: lost components by effective priority, then depth, steps renumbered inside each priority.
  const impactedComponents: number[] = [];
  for (let t = 0; t < topo.length; t++) {
    const v = topo[t]!;
    if (v >= activityCount && affected[v]) impactedComponents.push(v);
  }
  impactedComponents.sort((a, b) => effective[a]! - effective[b]! || level[a]! - level[b]! || a - b);
  const waves: RestoreWave[] = [];
  const stepOf = new Int32Array(size);
  let waveLevel = -1;
  for (const v of impactedComponents) {
    if (!lost[v]) continue;
    const last = waves[waves.length - 1];
    const p = effective[v] as ContinuityPriority;
    if (last && last.priority === p && waveLevel === level[v]) last.components.push(ids[v]!);
    else waves.push({ priority: p, step: last && last.priority === p ? last.step + 1 : 1, components: [ids[v]!] });
    waveLevel = level[v]!;
    stepOf[v] = waves[waves.length - 1]!.step;
  }
  const components: ComponentSchedule[] = impactedComponents.map((v) => ({
    id: ids[v]!,
    restored: lost[v] === 1,
    declaredPriority: index.priority[v] as ContinuityPriority,
    effectivePriority: effective[v] as ContinuityPriority,
    step: lost[v] ? stepOf[v]! : null,
    startHours: start[v]!,
    finishHours: finish[v]!,
    waitedFor: waitedFor[v] === -1 ? null : ids[waitedFor[v]!]!,
  }));

  const activities: ActivityRecovery[] = [];
  let latest = -1;
  let totalRecoveryHours: number | null = 0;
  for (let v = 0; v < activityCount; v++) {
    const a = graph.activities[v]!;
    const scheduled = !Number.isNaN(finish[v]!);
    const impacted = scheduled ? affected[v] === 1 : true;
    const recoveryHours = scheduled ? (impacted ? finish[v]! : 0) : null;
    let status: ActivityRecoveryStatus;
    if (recoveryHours === null) status = 'blocked_by_cycle';
    else if (!impacted) status = 'not_impacted';
    else if (recoveryHours > a.mtdHours) status = 'exceeds_mtd';
    else if (recoveryHours > a.rtoHours) status = 'exceeds_rto';
    else status = 'within_rto';
    activities.push({
      id: a.id,
      name: a.name,
      priority: a.priority,
      effectivePriority: effective[v] as ContinuityPriority,
      rtoHours: a.rtoHours,
      mtdHours: a.mtdHours,
      impacted,
      recoveryHours,
      status,
      rtoMarginHours: recoveryHours === null || !impacted ? null : a.rtoHours - recoveryHours,
      lastDependency: waitedFor[v] === -1 ? null : ids[waitedFor[v]!]!,
    });
    if (recoveryHours === null) totalRecoveryHours = null;
    else if (totalRecoveryHours !== null && recoveryHours > totalRecoveryHours) totalRecoveryHours = recoveryHours;
    if (
      impacted &&
      recoveryHours !== null &&
      (latest === -1 ||
        recoveryHours > finish[latest]! ||
        (recoveryHours === finish[latest] && a.priority < index.priority[latest]!))
    ) {
      latest = v;
    }
    if (status === 'exceeds_mtd' || status === 'exceeds_rto') {
      const over = status === 'exceeds_mtd';
      warnings.push({
        code: over ? 'plan.mtd_exceeded' : 'plan.rto_exceeded',
        severity: over ? 'error' : 'warning',
        message: over
          ? `${a.id} : reprise au plus tôt à ${fmt(recoveryHours!)}, au-delà de la durée maximale d'interruption admissible (${fmt(a.mtdHours)})`
          : `${a.id} : reprise au plus tôt à ${fmt(recoveryHours!)}, au-delà du RTO (${fmt(a.rtoHours)})`,
        nodes: [a.id],
      });
    }
  }
  if (activityCount === 0) totalRecoveryHours = null;

  const criticalPath: CriticalPathStep[] = [];
  for (let v = latest; v !== -1; v = waitedFor[v]!) {
    criticalPath.push({
      id: ids[v]!,
      kind: v < activityCount ? 'activity' : 'component',
      startHours: start[v]!,
      finishHours: finish[v]!,
    });
  }
  criticalPath.reverse();

  const singlePointsOfFailure = singlePoints(graph, index, topo, options.spofMinActivities ?? 2);
  for (const spof of singlePointsOfFailure) {
    warnings.push({
      code: 'plan.single_point_of_failure',
      severity: 'warning',
      message: `${spof.component} n'a pas d'alternative et sa perte arrête ${spof.activityCount} activité(s), dont ${spof.criticalActivityCount} de priorité 1`,
      nodes: [spof.component],
    });
  }

  return {
    teams,
    lost: impactedComponents.filter((v) => lost[v]).map((v) => ids[v]!),
    waves,
    order: waves.flatMap((w) => w.components),
    components,
    activities,
    criticalPath,
    totalRecoveryHours,
    cycles,
    blockedByCycle,
    priorityInversions,
    singlePointsOfFailure,
    warnings,
  };
}

export interface LossSimulation {
  lost: string[];
  impactedActivities: ActivityRecovery[];
  impactedComponents: string[];
  plan: RestorePlan;
}

/**
 * "What if": the given components are lost (e.g. the AD and the hypervisor cluster). Every node that needs
 * one of them, directly or not, is impacted; the lost ones are restored, the others come back with them.
 */
export function simulateLoss(
  graph: ContinuityGraph,
  lost: readonly string[],
  options: Omit<RestorePlanOptions, 'lost'> = {},
): ContinuityResult<LossSimulation> {
  const known = new Set(graph.components.map((c) => c.id));
  const activityIds = new Set(graph.activities.map((a) => a.id));
  const errors: ContinuityIssue[] = [];
  for (const id of lost) {
    if (known.has(id)) continue;
    errors.push({
      code: activityIds.has(id) ? 'whatif.not_a_component' : 'whatif.unknown_component',
      message: activityIds.has(id)
        ? `${id} est une activité, pas un composant`
        : `composant inconnu : ${id.slice(0, 100)}`,
      node: id.slice(0, 100),
    });
  }
  if (lost.length === 0) errors.push({ code: 'whatif.empty', message: 'aucun composant perdu indiqué' });
  if (errors.length > 0) return { ok: false, errors };
  const plan = computeRestorePlan(graph, { ...options, lost });
  const lostSet = new Set(lost);
  return {
    ok: true,
    value: {
      lost: [...lostSet],
      impactedActivities: plan.activities.filter((a) => a.impacted),
      impactedComponents: plan.components.map((c) => c.id),
      plan,
    },
    warnings: [],
  };
}

/** Chain of nodes that sets a node's recovery time, dependencies first, read from a plan's schedules. */
export function criticalPathTo(plan: RestorePlan, id: string): string[] {
  const waited = new Map<string, string | null>();
  for (const c of plan.components) waited.set(c.id, c.waitedFor);
  for (const a of plan.activities) waited.set(a.id, a.lastDependency);
  const path: string[] = [];
  const seen = new Set<string>();
  for (let v: string | null | undefined = id; v && !seen.has(v); v = waited.get(v)) {
    seen.add(v);
    path.push(v);
  }
  return path.reverse();
}
