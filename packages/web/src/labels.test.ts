import { describe, expect, it } from 'vitest';
import { rolesGrantableOn, summaryLines } from './labels.js';

describe('audit summary lines', () => {
  it('reads a before/after change field by field', () => {
    expect(
      summaryLines({ before: { name: 'CH A', category: null }, after: { name: 'CH B', category: 'public' } }),
    ).toEqual(['nom : « CH A » → « CH B »', 'catégorie : — → « public »']);
  });

  it('reads creations, revocations and plain facts', () => {
    expect(summaryLines({ after: { role: 'auditor', detailedFindings: false } })).toEqual([
      'rôle : « auditor »',
      'constats détaillés : non',
    ]);
    expect(summaryLines({ before: { name: 'Collecte AD' } })).toEqual(['nom : « Collecte AD » (retiré)']);
    expect(summaryLines({ created: 3, rejected: 0 })).toEqual(['created : 3', 'rejected : 0']);
    expect(summaryLines({})).toEqual([]);
  });

  it('copes with odd, hostile and huge summaries without throwing', () => {
    expect(summaryLines(null)).toEqual([]);
    expect(summaryLines(undefined)).toEqual([]);
    expect(summaryLines('texte')).toEqual(['« texte »']);
    expect(summaryLines([1, 2])).toEqual(['[1,2]']);
    expect(summaryLines({ before: 'pas un objet', after: 7 })).toEqual(['before : « pas un objet »', 'after : 7']);
    expect(summaryLines({ x: { nested: ['<script>'] } })).toEqual(['x : {"nested":["<script>"]}']);
    const [long] = summaryLines({ after: { name: 'é'.repeat(100_000) } });
    expect(long).toHaveLength(300);
    expect(long!.endsWith('…')).toBe(true);
  });
});

describe('roles grantable on a node', () => {
  it('follows the kind of the node', () => {
    expect(rolesGrantableOn('nation')).toEqual(['national_admin', 'national_analyst', 'auditor']);
    expect(rolesGrantableOn('group')).toEqual(['group_rssi', 'contributor', 'auditor']);
    expect(rolesGrantableOn('site')).toEqual([
      'establishment_director',
      'establishment_rssi',
      'contributor',
      'auditor',
    ]);
  });
});
