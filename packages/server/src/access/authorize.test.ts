import { describe, expect, test } from 'vitest';
import { authorize, type Grant, type Principal } from './authorize.js';

const grant = (over: Partial<Grant>): Grant => ({
  role: 'establishment_rssi',
  organisationId: 4,
  organisationPath: '/1/2/4/',
  organisationKind: 'legal_entity',
  detailedFindings: false,
  ...over,
});
const principal = (...grants: Grant[]): Principal => ({ userId: 1, label: 'u', via: 'session', grants });

const site = { id: 9, path: '/1/2/4/9/' };
const otherSite = { id: 19, path: '/1/2/14/19/' };
const lookalike = { id: 40, path: '/1/2/40/' }; // shares the digits "4" but not the subtree

describe('authorize', () => {
  test('a role holds on its node and its subtree, not beside it', () => {
    const p = principal(grant({}));
    expect(authorize(p, 'assessment.write', { id: 4, path: '/1/2/4/' })).toBe(true);
    expect(authorize(p, 'assessment.write', site)).toBe(true);
    expect(authorize(p, 'assessment.write', otherSite)).toBe(false);
    expect(authorize(p, 'assessment.write', lookalike)).toBe(false);
    expect(authorize(p, 'assessment.write', { id: 2, path: '/1/2/' })).toBe(false);
  });

  test('a permission the role lacks is refused even inside the subtree', () => {
    expect(authorize(principal(grant({ role: 'auditor' })), 'assessment.write', site)).toBe(false);
    expect(authorize(principal(grant({ role: 'contributor' })), 'assessment.sign', site)).toBe(false);
  });

  test('a regional referent sees statuses but not findings without the explicit grant', () => {
    const referent = grant({ role: 'regional_referent', organisationPath: '/1/2/', organisationKind: 'region' });
    expect(authorize(principal(referent), 'indicators.read', site)).toBe(true);
    expect(authorize(principal(referent), 'findings.read', site)).toBe(false);
    expect(authorize(principal({ ...referent, detailedFindings: true }), 'findings.read', site)).toBe(true);
    expect(authorize(principal({ ...referent, detailedFindings: true }), 'findings.write', site)).toBe(false);
  });

  test('no grant, no access', () => {
    expect(authorize(principal(), 'org.read', site)).toBe(false);
  });
});
