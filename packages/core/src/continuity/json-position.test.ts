import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonSyntaxErrorOffset } from './json-position.js';

describe('JSON syntax error offset', () => {
  it.each([
    ['{"a": [,]}', 7],
    ['{"a" 1}', 5],
    ['[1, 2', 5],
    ['{"a": tru}', 6],
    ['[1] x', 4],
    ['"\\q"', 1],
    ['', 0],
  ])('finds the error in %j at %i', (text, offset) => {
    expect(jsonSyntaxErrorOffset(text)).toBe(offset);
  });

  it('accepts deep nesting without overflowing', () => {
    expect(jsonSyntaxErrorOffset(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)).toBe(-1);
  });

  it('agrees with JSON.parse on valid and on cut documents (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), (value, cut) => {
        const text = JSON.stringify(value, null, cut % 3);
        expect(jsonSyntaxErrorOffset(text)).toBe(-1);
        const truncated = text.slice(0, cut % (text.length + 1));
        let valid = true;
        try {
          JSON.parse(truncated);
        } catch {
          valid = false;
        }
        expect(jsonSyntaxErrorOffset(truncated) === -1).toBe(valid);
      }),
    );
  });
});
