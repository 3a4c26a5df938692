/**
 * Restore-plan benchmark: a random graph of 10,000 components (plus 500 activities) and 50,000 dependencies.
 * Prints the median time of the full plan (cycles, waves, earliest times, critical path, inversions, single
 * points of failure), the same with 5 teams, and a what-if, next to a plain Kahn topological sort of the
 * same dependency list measured in the same run.
 */
import { computeRestorePlan, simulateLoss } from '../src/continuity/restore-plan.js';
import { randomContinuityGraph } from '../src/continuity/testing/random-graph.js';

const RUNS = 9;
const graph = randomContinuityGraph({ activities: 500, components: 10_000, dependencies: 50_000 }, 2026);

/** The baseline: Kahn's algorithm from the raw dependency list (ids mapped to numbers, adjacency built). */
function plainKahn(): number {
  const ids = new Map<string, number>();
  for (const a of graph.activities) ids.set(a.id, ids.size);
  for (const c of graph.components) ids.set(c.id, ids.size);
  const n = ids.size;
  const indegree = new Int32Array(n);
  const dependants: number[][] = Array.from({ length: n }, () => []);
  for (const d of graph.dependencies) {
    const from = ids.get(d.from)!;
    const to = ids.get(d.to)!;
    indegree[from]!++;
    dependants[to]!.push(from);
  }
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) queue.push(v);
  for (let head = 0; head < queue.length; head++) {
    for (const w of dependants[queue[head]!]!) if (--indegree[w]! === 0) queue.push(w);
  }
  return queue.length;
}

function median(run: () => unknown): number {
  const times: number[] = [];
  run(); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const plan = computeRestorePlan(graph);
const ordered = plainKahn();
const lost = graph.components.slice(0, 10).map((c) => c.id);
const lines = [
  `graph: ${graph.components.length} components, ${graph.activities.length} activities, ${graph.dependencies.length} dependencies; plan: ${plan.order.length} components in ${plan.waves.length} waves, ${plan.singlePointsOfFailure.length} single points of failure, ${plan.priorityInversions.length} priority inversions, critical path ${plan.criticalPath.length} nodes, ${plan.totalRecoveryHours} h; Kahn ordered ${ordered} nodes`,
  `plain Kahn topological sort:          median ${median(plainKahn).toFixed(1)} ms over ${RUNS} runs`,
  `full restore plan (unlimited teams):  median ${median(() => computeRestorePlan(graph)).toFixed(1)} ms over ${RUNS} runs`,
  `full restore plan (5 teams):          median ${median(() => computeRestorePlan(graph, { teams: 5 })).toFixed(1)} ms over ${RUNS} runs`,
  `what-if, 10 components lost:          median ${median(() => simulateLoss(graph, lost)).toFixed(1)} ms over ${RUNS} runs`,
];
for (const line of lines) console.log(line);
