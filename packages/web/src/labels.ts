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

/** French wording of the audit trail's actions; unknown ones are shown by their code. */
export const ACTION_LABELS: Record<string, string> = {
  'organisation.created': 'Organisation créée',
  'organisation.updated': 'Organisation modifiée',
  'organisation.finess_import': 'Import FINESS',
  'user.created': 'Compte créé',
  'grant.created': 'Rôle attribué',
  'grant.revoked': 'Rôle retiré',
  'token.created': 'Jeton d’API créé',
  'token.revoked': 'Jeton d’API révoqué',
  'totp.enabled': 'Double authentification activée',
  'totp.disabled': 'Double authentification désactivée',
  'password.changed': 'Mot de passe changé',
  'password.reset': 'Mot de passe réinitialisé',
  'account.locked': 'Compte verrouillé',
  'login.oidc': 'Connexion fédérée',
  'demo.seeded': 'Données de démonstration créées',
};

const FIELD_LABELS: Record<string, string> = {
  name: 'nom',
  category: 'catégorie',
  role: 'rôle',
  displayName: 'nom affiché',
  detailedFindings: 'constats détaillés',
  expiresAt: 'expiration',
  kind: 'nature',
  finess: 'FINESS',
  parentId: 'parent',
  failures: 'échecs',
  accounts: 'comptes',
};

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string') return `« ${value} »`;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** One line per field of an audit summary: `field : before → after`, or `field : value`. */
export function summaryLines(summary: unknown): string[] {
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) {
    return summary === null || summary === undefined ? [] : [valueText(summary)];
  }
  const record = summary as Record<string, unknown>;
  const before =
    typeof record.before === 'object' && record.before !== null ? (record.before as Record<string, unknown>) : null;
  const after =
    typeof record.after === 'object' && record.after !== null ? (record.after as Record<string, unknown>) : null;
  const lines: string[] = [];
  if (before || after) {
    const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
    for (const key of keys) {
      const label = FIELD_LABELS[key] ?? key;
      if (before && after) lines.push(`${label} : ${valueText(before[key])} → ${valueText(after[key])}`);
      else lines.push(`${label} : ${valueText((before ?? after)![key])}${before ? ' (retiré)' : ''}`);
    }
  }
  for (const [key, value] of Object.entries(record)) {
    if ((key === 'before' && before) || (key === 'after' && after)) continue;
    lines.push(`${FIELD_LABELS[key] ?? key} : ${valueText(value)}`);
  }
  return lines.map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
}
