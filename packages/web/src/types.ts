/** Shapes of the API answers the web UI reads (see packages/server routes and /api/openapi.json). */

export type OrganisationKind = 'nation' | 'region' | 'group' | 'legal_entity' | 'site';
export type EstablishmentCategory = 'public' | 'private_non_profit' | 'private_for_profit' | 'medico_social';
export type Role =
  | 'national_admin'
  | 'national_analyst'
  | 'regional_referent'
  | 'group_rssi'
  | 'establishment_director'
  | 'establishment_rssi'
  | 'contributor'
  | 'auditor';

export interface MeGrant {
  role: Role;
  roleLabel: string;
  organisationId: number;
  organisationName: string;
  organisationKind: OrganisationKind;
  detailedFindings: boolean;
}

export interface Me {
  id: number;
  email: string;
  displayName: string;
  totpEnabled: boolean;
  csrfToken: string | null;
  grants: MeGrant[];
}

export interface Organisation {
  id: number;
  kind: OrganisationKind;
  name: string;
  finess: string | null;
  category: EstablishmentCategory | null;
  regionCode: string | null;
  department: string | null;
  parentId: number | null;
  depth: number;
}

export interface OrganisationDetail extends Organisation {
  ancestors: Array<{ id: number; name: string; kind: OrganisationKind }>;
  childCount: number;
  establishmentCount: number;
}

export interface UserGrant {
  id: number;
  role: Role;
  roleLabel: string;
  organisationId: number;
  organisationName: string;
  detailedFindings: boolean;
}

export interface UserAccount {
  id: number;
  email: string;
  displayName: string;
  totpEnabled: boolean;
  disabled: boolean;
  grants: UserGrant[];
}

export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  organisationId: number;
  role: Role;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  organisationId: number | null;
  organisationName: string | null;
  summary: unknown;
  ip: string | null;
}

export interface Page<T> {
  items: T[];
  next: number | null;
}
