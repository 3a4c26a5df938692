import { ACTIVITY_KINDS, COMPONENT_KINDS, type ContinuityGraph, type ContinuityPriority } from '../model.js';

/** Small deterministic generator (mulberry32) so benchmarks and tests rebuild the same graph from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomGraphSize {
  activities: number;
  components: number;
  dependencies: number;
}

/**
 * A random acyclic continuity graph: component i may only depend on components j < i, each activity depends on
 * a few components; durations are whole hours. Exactly `dependencies` edges, duplicates allowed as in real
 * imports. Activities get RTO ≤ MTD.
 */
export function randomContinuityGraph(size: RandomGraphSize, seed: number): ContinuityGraph {
  const random = seededRandom(seed);
  const int = (max: number) => Math.floor(random() * max);
  const graph: ContinuityGraph = { activities: [], components: [], dependencies: [] };
  for (let i = 0; i < size.activities; i++) {
    const rto = 1 + int(72);
    graph.activities.push({
      id: `act-${i}`,
      name: `Activité ${i}`,
      kind: ACTIVITY_KINDS[int(ACTIVITY_KINDS.length)]!,
      owner: 'Responsable',
      priority: (1 + int(5)) as ContinuityPriority,
      mtdHours: rto + int(48),
      rtoHours: rto,
      rpoHours: int(24),
      resumptionHours: int(3),
      impacts: [],
      degradedModeProcedure: 'Procédure papier.',
    });
  }
  for (let i = 0; i < size.components; i++) {
    graph.components.push({
      id: `cmp-${i}`,
      name: `Composant ${i}`,
      kind: COMPONENT_KINDS[int(COMPONENT_KINDS.length)]!,
      priority: (1 + int(5)) as ContinuityPriority,
      restoreHours: 1 + int(8),
      hasAlternative: random() < 0.2,
    });
  }
  if (size.components === 0) return graph;
  const activityEdges = size.activities === 0 ? 0 : Math.min(size.dependencies, size.activities * 3);
  for (let e = 0; e < activityEdges; e++) {
    graph.dependencies.push({ from: `act-${e % size.activities}`, to: `cmp-${int(size.components)}` });
  }
  for (let e = activityEdges; e < size.dependencies; e++) {
    if (size.components < 2) break;
    const from = 1 + int(size.components - 1);
    graph.dependencies.push({ from: `cmp-${from}`, to: `cmp-${int(from)}` });
  }
  return graph;
}
