import type { ContinuityGraph, Dependency } from './model.js';

/**
 * Compact adjacency of a continuity graph: nodes numbered activities first, then components; edges in
 * compressed sparse rows both ways (node → its dependencies, node → its dependants), so every pass is linear.
 */
export interface GraphIndex {
  size: number;
  activityCount: number;
  ids: string[];
  position: Map<string, number>;
  priority: Uint8Array;
  /** Restore hours of a component, resumption hours of an activity. */
  ownHours: Float64Array;
  depStart: Int32Array;
  depList: Int32Array;
  revStart: Int32Array;
  revList: Int32Array;
  /** Dependencies whose ends are unknown: left out of the index. */
  dangling: Dependency[];
}

export function buildGraphIndex(graph: ContinuityGraph): GraphIndex {
  const activityCount = graph.activities.length;
  const size = activityCount + graph.components.length;
  const ids: string[] = new Array(size);
  const position = new Map<string, number>();
  const priority = new Uint8Array(size);
  const ownHours = new Float64Array(size);
  for (let i = 0; i < activityCount; i++) {
    const a = graph.activities[i]!;
    ids[i] = a.id;
    priority[i] = a.priority;
    ownHours[i] = a.resumptionHours;
    if (!position.has(a.id)) position.set(a.id, i);
  }
  for (let j = 0; j < graph.components.length; j++) {
    const c = graph.components[j]!;
    const i = activityCount + j;
    ids[i] = c.id;
    priority[i] = c.priority;
    ownHours[i] = c.restoreHours;
    if (!position.has(c.id)) position.set(c.id, i);
  }
  const m = graph.dependencies.length;
  const from = new Int32Array(m);
  const to = new Int32Array(m);
  const depCount = new Int32Array(size + 1);
  const revCount = new Int32Array(size + 1);
  const dangling: Dependency[] = [];
  let kept = 0;
  for (const d of graph.dependencies) {
    const f = position.get(d.from);
    const t = position.get(d.to);
    if (f === undefined || t === undefined) {
      dangling.push(d);
      continue;
    }
    from[kept] = f;
    to[kept] = t;
    kept++;
    depCount[f + 1]!++;
    revCount[t + 1]!++;
  }
  for (let i = 0; i < size; i++) {
    depCount[i + 1]! += depCount[i]!;
    revCount[i + 1]! += revCount[i]!;
  }
  const depStart = depCount;
  const revStart = revCount;
  const depList = new Int32Array(kept);
  const revList = new Int32Array(kept);
  const depFill = depStart.slice(0, size);
  const revFill = revStart.slice(0, size);
  for (let e = 0; e < kept; e++) {
    const f = from[e]!;
    const t = to[e]!;
    depList[depFill[f]!++] = t;
    revList[revFill[t]!++] = f;
  }
  return { size, activityCount, ids, position, priority, ownHours, depStart, depList, revStart, revList, dangling };
}

/**
 * Kahn's algorithm, dependencies first. Returns the order of every node that does not sit on or behind a
 * cycle; the others are missing from it.
 */
export function topologicalOrder(index: GraphIndex): Int32Array {
  const { size, depStart, revStart, revList } = index;
  const missing = new Int32Array(size);
  const queue = new Int32Array(size);
  let tail = 0;
  for (let v = 0; v < size; v++) {
    missing[v] = depStart[v + 1]! - depStart[v]!;
    if (missing[v] === 0) queue[tail++] = v;
  }
  for (let head = 0; head < tail; head++) {
    const v = queue[head]!;
    for (let k = revStart[v]!; k < revStart[v + 1]!; k++) {
      const w = revList[k]!;
      if (--missing[w]! === 0) queue[tail++] = w;
    }
  }
  return queue.subarray(0, tail);
}

/**
 * Tarjan's strongly connected components, iterative (no recursion limit), over the nodes flagged in `among`.
 * Returns the components that are cycles: two nodes or more, or one node depending on itself.
 */
export function cyclicComponents(index: GraphIndex, among: Uint8Array): number[][] {
  const { size, depStart, depList } = index;
  const order = new Int32Array(size).fill(-1);
  const low = new Int32Array(size);
  const onStack = new Uint8Array(size);
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  for (let root = 0; root < size; root++) {
    if (!among[root] || order[root] !== -1) continue;
    callNode.push(root);
    callEdge.push(depStart[root]!);
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callNode.length > 0) {
      const top = callNode.length - 1;
      const v = callNode[top]!;
      const k = callEdge[top]!;
      if (k < depStart[v + 1]!) {
        callEdge[top] = k + 1;
        const w = depList[k]!;
        if (!among[w]) continue;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(depStart[w]!);
        } else if (onStack[w] && order[w]! < low[v]!) {
          low[v] = order[w]!;
        }
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const parent = callNode[callNode.length - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        const selfLoop = component.length === 1 && hasEdge(index, v, v);
        if (component.length > 1 || selfLoop) result.push(component);
      }
    }
  }
  return result;
}

function hasEdge(index: GraphIndex, from: number, to: number): boolean {
  for (let k = index.depStart[from]!; k < index.depStart[from + 1]!; k++) if (index.depList[k] === to) return true;
  return false;
}

/** One concrete cycle through the first node of a strongly connected component: [a, b, …, a]. */
export function cycleThrough(index: GraphIndex, component: number[]): number[] {
  const start = component[0]!;
  const inside = new Set(component);
  const parent = new Map<number, number>([[start, -1]]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (let k = index.depStart[v]!; k < index.depStart[v + 1]!; k++) {
      const w = index.depList[k]!;
      if (w === start) {
        const path = [start];
        for (let x = v; x !== start; x = parent.get(x)!) path.push(x);
        // path holds start, then v back to start's successor; reverse the tail to follow the edges.
        const tail = path.slice(1).reverse();
        return [start, ...tail, start];
      }
      if (inside.has(w) && !parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
