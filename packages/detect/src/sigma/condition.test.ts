import { describe, expect, it } from 'vitest';
import { compileCondition, parseCondition } from './condition.js';
import type { EventView } from './event-view.js';
import type { EventTest } from './modifiers.js';

const searches = (truth: Record<string, boolean>) =>
  new Map<string, EventTest>(Object.entries(truth).map(([k, v]) => [k, () => v]));
const evalCond = (text: string, truth: Record<string, boolean>) =>
  compileCondition(parseCondition(text), searches(truth))({} as EventView);

describe('Sigma condition grammar', () => {
  it('gives not > and > or precedence, and parentheses override', () => {
    expect(evalCond('a or b and c', { a: true, b: false, c: false })).toBe(true);
    expect(evalCond('(a or b) and c', { a: true, b: false, c: false })).toBe(false);
    expect(evalCond('not a and b', { a: false, b: true })).toBe(true);
    expect(evalCond('not (a and b)', { a: true, b: true })).toBe(false);
    expect(evalCond('a AND NOT b', { a: true, b: false })).toBe(true);
  });

  it('supports 1 of / all of / N of with wildcards and them (without _ identifiers)', () => {
    const t = { selection_a: true, selection_b: false, filter_x: false, _hidden: false };
    expect(evalCond('1 of selection_*', t)).toBe(true);
    expect(evalCond('all of selection_*', t)).toBe(false);
    expect(evalCond('selection_a and not 1 of filter_*', t)).toBe(true);
    expect(evalCond('1 of them', t)).toBe(true);
    expect(evalCond('all of them', { a: true, b: true, _skip: false })).toBe(true);
    expect(evalCond('2 of sel*', { sel1: true, sel2: true, sel3: false })).toBe(true);
    expect(evalCond('2 of sel*', { sel1: true, sel2: false, sel3: false })).toBe(false);
  });

  it('rejects malformed conditions and v1 aggregations with a stable code', () => {
    for (const bad of ['a and', '(a or b', 'a b', 'and a', '1 of', 'x of sel*', 'a)']) {
      expect(() => compileCondition(parseCondition(bad), searches({ a: true, b: true, sel1: true })), bad).toThrow();
    }
    expect(() => parseCondition('selection | count() by User > 5')).toThrow(/count/);
    expect(() => compileCondition(parseCondition('missing'), searches({ a: true }))).toThrow(/inconnu/);
    expect(() => compileCondition(parseCondition('1 of nothing_*'), searches({ a: true }))).toThrow(/aucun/);
  });
});
