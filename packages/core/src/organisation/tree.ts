/** Kinds of node of the organisation tree, from the top down. A group (GHT or private group) is optional. */
export const ORGANISATION_KINDS = ['nation', 'region', 'group', 'legal_entity', 'site'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ESTABLISHMENT_CATEGORIES = [
  'public',
  'private_non_profit',
  'private_for_profit',
  'medico_social',
] as const;
export type EstablishmentCategory = (typeof ESTABLISHMENT_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<EstablishmentCategory, string> = {
  public: 'Public',
  private_non_profit: 'Privé à but non lucratif',
  private_for_profit: 'Privé à but lucratif',
  medico_social: 'Médico-social',
};

export const KIND_LABELS: Record<OrganisationKind, string> = {
  nation: 'National',
  region: 'Région (ARS)',
  group: 'Groupement (GHT ou groupe privé)',
  legal_entity: 'Entité juridique (FINESS EJ)',
  site: 'Établissement (FINESS EG)',
};

/** Which kinds may sit directly under a parent of the given kind. */
const ALLOWED_CHILDREN: Record<OrganisationKind, readonly OrganisationKind[]> = {
  nation: ['region'],
  region: ['group', 'legal_entity'],
  group: ['legal_entity'],
  legal_entity: ['site'],
  site: [],
};

export function canContain(parent: OrganisationKind, child: OrganisationKind): boolean {
  return ALLOWED_CHILDREN[parent].includes(child);
}

/** Establishment-level nodes: their detailed technical findings are theirs, not their region's. */
export function isEstablishmentLevel(kind: OrganisationKind): boolean {
  return kind === 'legal_entity' || kind === 'site';
}
