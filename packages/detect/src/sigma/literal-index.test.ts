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
  it('marks exactly the literals a naive search finds, for every kind, ignoring case (ASCII and Unicode)', () => {
    // Upper case, accented letters, and characters whose lower case changes length or maps to ASCII
    // (İ → i̇, Kelvin sign K → k, final sigma): the folding fast path must agree with toLowerCase().
    const alphabet = fc.constantFrom(
      'a',
      'b',
      'c',
      'A',
      'B',
      'k',
      '\\',
      '–',
      '.',
      'é',
      'É',
      'İ',
      '\u212a',
      'Σ',
      'σ',
      ' ',
    );
    const text = (max: number) => fc.array(alphabet, { maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom(...KINDS),
            lit: text(5),
            // Or a piece of a value, up to 14 characters (long contained literals, several states deep).
            slice: fc.option(
              fc.record({ start: fc.nat(29), length: fc.integer({ min: 6, max: 14 }), upper: fc.boolean() }),
            ),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        fc.array(text(30), { minLength: 1, maxLength: 3 }),
        (generated, values) => {
          const atoms = generated.map((a) => {
            if (a.slice === null) return a;
            const piece = (values[0] as string).slice(a.slice.start, a.slice.start + a.slice.length);
            return { kind: a.kind, lit: a.slice.upper ? piece.toUpperCase() : piece };
          });
          const index = new LiteralIndex();
          const ids = atoms.map((a) => index.atom('CommandLine', a.kind, a.lit));
          const ev = new EventView(aSysmonEvent(1, { CommandLine: values.length === 1 ? values[0]! : values }).event);
          ev.literalBits = new Uint32Array(index.atomCount);
          ev.literalDone = new Uint32Array(index.fieldCount);
          ev.literalMatched = new Int32Array(index.atomCount);
          ev.literalGen = 7;
          index.scanField(ev, index.fieldSlot('CommandLine'));
          const listed = [...ev.literalMatched.subarray(0, ev.literalMatchedCount)];
          expect(new Set(listed).size).toBe(listed.length);
          expect(listed.sort((x, y) => x - y)).toEqual(
            [...new Set(ids)].filter((id) => ev.literalBits[id] === 7).sort((x, y) => x - y),
          );
          atoms.forEach((a, i) => {
            const expected = values.some((v) => naive(a.kind, a.lit.toLowerCase(), v.toLowerCase()));
            expect(
              ev.literalBits[ids[i]!] === 7,
              `${a.kind} ${JSON.stringify(a.lit)} in ${JSON.stringify(values)}`,
            ).toBe(expected);
          });
        },
      ),
      { numRuns: 1000, seed: 6006 },
    );
  });
});
