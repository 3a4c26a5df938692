import type { EstablishmentCategory, OrganisationKind, Role } from './types.js';

/** French labels of the domain values shown in the UI. */

export const KIND_LABELS: Record<OrganisationKind, string> = {
  nation: 'Niveau national',
  region: 'Région (ARS)',
  group: 'Groupement (GHT / groupe privé)',
  legal_entity: 'Entité juridique (FINESS EJ)',
  site: 'Établissement (FINESS EG)',
};

export const KIND_SHORT: Record<OrganisationKind, string> = {
  nation: 'National',
  region: 'Région',
  group: 'Groupement',
  legal_entity: 'Entité juridique',
  site: 'Établissement',
};

export const CATEGORY_LABELS: Record<EstablishmentCategory, string> = {
  public: 'Public',
  private_non_profit: 'Privé non lucratif',
  private_for_profit: 'Privé lucratif',
  medico_social: 'Médico-social',
};

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

export const ROLES = Object.keys(ROLE_LABELS) as Role[];
export const KINDS = Object.keys(KIND_LABELS) as OrganisationKind[];
export const CATEGORIES = Object.keys(CATEGORY_LABELS) as EstablishmentCategory[];

/** Which child kinds a node of a kind may hold (nation → region → group → legal entity → site). */
export const CHILD_KINDS: Record<OrganisationKind, OrganisationKind[]> = {
  nation: ['region'],
  region: ['group', 'legal_entity'],
  group: ['legal_entity'],
  legal_entity: ['site'],
  site: [],
};

const DATE_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium' });
const DATE = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium' });

export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE_TIME.format(d);
}

export function formatDate(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : DATE.format(d);
}

/** Where a role may be granted (mirrors the server's rule; the server has the last word). */
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

export function rolesGrantableOn(kind: OrganisationKind): Role[] {
  return ROLES.filter((r) => ROLE_NODE_KINDS[r].includes(kind));
}
