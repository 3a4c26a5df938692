import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventView } from './event-view.js';
import { LiteralIndex, type LiteralKind } from './literal-index.js';
import { aSysmonEvent } from './test-helpers.js';

const KINDS: LiteralKind[] = ['equals', 'contains', 'startswith', 'endswith'];
const naive = (kind: LiteralKind, lit: string, s: string) =>
  kind === 'equals'
    ? s === lit
    : kind === 'contains'
      ? s.includes(lit)
      : kind === 'startswith'
        ? s.startsWith(lit)
        : s.endsWith(lit);

describe('literal index (Aho–Corasick DFA and tries)', () => {
  it('marks exactly the literals a naive search finds, for every kind', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '\\', '–', '.');
    const text = (max: number) => fc.array(alphabet, { maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom(...KINDS), lit: text(5) }), { minLength: 1, maxLength: 25 }),
        fc.array(text(30), { minLength: 1, maxLength: 3 }),
        (atoms, values) => {
          const index = new LiteralIndex();
          const ids = atoms.map((a) => index.atom('CommandLine', a.kind, a.lit));
          const ev = new EventView(aSysmonEvent(1, { CommandLine: values.length === 1 ? values[0]! : values }).event);
          ev.literalBits = new Uint32Array(index.atomCount);
          ev.literalDone = new Uint32Array(index.fieldCount);
          ev.literalGen = 7;
          index.scanField(ev, index.fieldSlot('CommandLine'));
          atoms.forEach((a, i) => {
            const expected = values.some((v) => naive(a.kind, a.lit, v));
            expect(
              ev.literalBits[ids[i]!] === 7,
              `${a.kind} ${JSON.stringify(a.lit)} in ${JSON.stringify(values)}`,
            ).toBe(expected);
          });
        },
      ),
      { numRuns: 500, seed: 6006 },
    );
  });
});
