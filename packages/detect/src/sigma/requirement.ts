import type { EventView } from './event-view.js';

/** A compiled test of one detection item, search or condition against an event. */
export type EventTest = (ev: EventView) => boolean;

/**
 * What a test needs to be true, in literal-index atoms: `atoms` — at least one of these atoms matched;
 * `and` — every part's need holds; `or` — at least one part's need holds. A test without a recorded need
 * (regex, numeric, null, `not`, keywords…) may be true whatever the atoms: it is never skipped.
 */
export type Need = { atoms: number[] } | { and: Need[] } | { or: Need[] };

const needs = new WeakMap<EventTest, Need>();

/** Records that `test(ev)` implies `need` (sound by construction at each call site); returns the test. */
export function withNeed(test: EventTest, need: Need | null): EventTest {
  if (need !== null) needs.set(test, need);
  return test;
}

export function needOf(test: EventTest): Need | null {
  return needs.get(test) ?? null;
}

/** Need of a conjunction: the needs of those parts that have one (a part without need constrains nothing). */
export function needOfAll(tests: EventTest[]): Need | null {
  const parts = tests.map(needOf).filter((n): n is Need => n !== null);
  if (parts.length === 0) return null;
  return parts.length === 1 ? (parts[0] as Need) : { and: parts };
}

/** Need of a disjunction: every part must have one, otherwise the disjunction may hold without any atom. */
export function needOfAny(tests: EventTest[]): Need | null {
  const parts: Need[] = [];
  for (const t of tests) {
    const n = needOf(t);
    if (n === null) return null;
    parts.push(n);
  }
  if (parts.length === 0) return null;
  return parts.length === 1 ? (parts[0] as Need) : { or: parts };
}

/** Field slots a need mentions. */
export function needSlots(need: Need, slotOf: (atom: number) => number, out = new Set<number>()): Set<number> {
  if ('atoms' in need) for (const a of need.atoms) out.add(slotOf(a));
  else for (const p of 'and' in need ? need.and : need.or) needSlots(p, slotOf, out);
  return out;
}

/**
 * Reduces a need to one clause: a set of atoms at least one of which matches whenever the test holds.
 * In a conjunction the cheapest part is kept (cost: `slotCost` summed over the distinct fields the clause
 * reads, a little per atom); a disjunction unites its parts' clauses.
 */
export function needClause(need: Need, slotOf: (atom: number) => number, slotCost: (slot: number) => number): number[] {
  const cost = (atoms: number[]) => {
    const slots = new Set(atoms.map(slotOf));
    let c = atoms.length * 1e-6;
    for (const s of slots) c += slotCost(s);
    return c;
  };
  const clause = (n: Need): number[] => {
    if ('atoms' in n) return n.atoms;
    if ('or' in n) return [...new Set(n.or.flatMap(clause))];
    let best: number[] | null = null;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const p of n.and) {
      const c = clause(p);
      const k = cost(c);
      if (k < bestCost) {
        best = c;
        bestCost = k;
      }
    }
    return best ?? [];
  };
  return clause(need).sort((a, b) => a - b);
}
