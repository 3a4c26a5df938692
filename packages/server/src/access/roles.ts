import type { OrganisationKind } from '@rempart/core';

export const ROLES = [
  'national_admin',
  'national_analyst',
  'regional_referent',
  'group_rssi',
  'establishment_director',
  'establishment_rssi',
  'contributor',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  national_admin: 'Administrateur national',
  national_analyst: 'Analyste national',
  regional_referent: 'Référent régional (ARS / GRADeS)',
  group_rssi: 'RSSI de groupement',
  establishment_director: "Directeur d'établissement",
  establishment_rssi: "RSSI / DSI d'établissement",
  contributor: 'Contributeur',
  auditor: 'Auditeur (lecture seule)',
};

/**
 * Actions a role may perform on a node and its subtree. `findings.read` is the detailed technical view
 * (AD weaknesses, exposed services, alerts): an attack map, so roles above the establishment only get it
 * with an explicit grant (see `authorize`).
 */
export const PERMISSIONS = [
  'org.read',
  'org.write',
  'user.read',
  'user.manage',
  'audit.read',
  'token.manage',
  'indicators.read',
  'assessment.read',
  'assessment.write',
  'assessment.sign',
  'campaign.manage',
  'evidence.read',
  'findings.read',
  'findings.write',
  'continuity.read',
  'continuity.write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_ALL: Permission[] = ['org.read', 'indicators.read', 'assessment.read'];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  national_admin: [
    ...READ_ALL,
    'org.write',
    'user.read',
    'user.manage',
    'audit.read',
    'token.manage',
    'campaign.manage',
  ],
  national_analyst: [...READ_ALL],
  regional_referent: [
    ...READ_ALL,
    'org.write',
    'user.read',
    'user.manage',
    'audit.read',
    'token.manage',
    'campaign.manage',
  ],
  group_rssi: [
    ...READ_ALL,
    'user.read',
    'user.manage',
    'audit.read',
    'token.manage',
    'assessment.write',
    'evidence.read',
    'findings.read',
    'findings.write',
    'continuity.read',
    'continuity.write',
  ],
  establishment_director: [
    ...READ_ALL,
    'user.read',
    'user.manage',
    'audit.read',
    'token.manage',
    'assessment.write',
    'assessment.sign',
    'evidence.read',
    'findings.read',
    'continuity.read',
    'continuity.write',
  ],
  establishment_rssi: [
    ...READ_ALL,
    'user.read',
    'audit.read',
    'token.manage',
    'assessment.write',
    'evidence.read',
    'findings.read',
    'findings.write',
    'continuity.read',
    'continuity.write',
  ],
  contributor: [...READ_ALL, 'assessment.write', 'evidence.read', 'continuity.read', 'continuity.write'],
  auditor: [...READ_ALL, 'user.read', 'audit.read', 'evidence.read', 'findings.read', 'continuity.read'],
};

/** Permissions that roles above the establishment (nation, region) hold only with `detailed_findings`. */
export const DETAILED_PERMISSIONS: readonly Permission[] = ['findings.read', 'evidence.read', 'continuity.read'];

/** Where a role may be granted: national roles on the nation, the referent on a region, and so on. */
export const ROLE_NODE_KINDS: Record<Role, readonly OrganisationKind[]> = {
  national_admin: ['nation'],
  national_analyst: ['nation'],
  regional_referent: ['region'],
  group_rssi: ['group'],
  establishment_director: ['legal_entity', 'site'],
  establishment_rssi: ['legal_entity', 'site'],
  contributor: ['group', 'legal_entity', 'site'],
  auditor: ['nation', 'region', 'group', 'legal_entity', 'site'],
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
