import { parseReferential } from '@rempart/core';
import { describe, expect, test } from 'vitest';
import { referentialHead } from '../../test/referential-builders.js';
import { unionCategory } from './group-files.js';

/** Two requirements with the given applicability lists. */
const referential = (first: string, second: string) =>
  parseReferential(
    `${referentialHead('union-test', 1, 'Union')}        - id: O1
          title: O1
          weight: 1
          wording: rempart
          reached: { threshold: 1 }
          requirements:
            - { id: R1, title: R1, questions: [Q], scale: yn, weight: 1, wording: rempart, applicability: [${first}] }
            - { id: R2, title: R2, questions: [Q], scale: yn, weight: 1, wording: rempart, applicability: [${second}] }
`,
    'test',
  );

describe('the category a group file is scored with: the union of its members’ categories', () => {
  test('a member category whose requirements include every other member’s is the union', () => {
    const r = referential('public, medico_social', 'public');
    expect(unionCategory(r, ['medico_social', 'public'])).toBe('public');
    expect(unionCategory(r, ['medico_social'])).toBe('medico_social');
  });

  test('disjoint lists: no single category is the union, the caller must choose', () => {
    const r = referential('public', 'medico_social');
    expect(unionCategory(r, ['public', 'medico_social'])).toBeNull();
    expect(unionCategory(r, ['public'])).toBe('public');
  });

  test('the bundled CaRE referential: public covers every other category', async () => {
    const { loadBundledReferential } = await import('@rempart/core');
    const care = await loadBundledReferential('care-2025');
    expect(unionCategory(care, ['private_for_profit', 'medico_social', 'public'])).toBe('public');
    expect(unionCategory(care, ['medico_social', 'private_non_profit'])).toBe('private_non_profit');
  });
});
