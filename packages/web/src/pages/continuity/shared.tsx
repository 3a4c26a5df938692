import { Select } from '@codegouvfr/react-dsfr/Select';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { ApiError, api, apiUrl } from '../../api.js';
import { Loading } from '../../components/Loading.js';
import { NodeBreadcrumb, useNodeId } from '../../components/NodeScope.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import type { OrganisationDetail } from '../../types.js';
import { AccessDeniedPage } from '../AccessDenied.js';

/**
 * Shapes and labels of the continuity API answers, as @rempart/core continuity defines them. The web does not
 * import them: it does not depend on @rempart/core, whose entry point also carries the PDF binder (pdfkit) and
 * file loaders that have no place in the browser bundle.
 */
export type Priority = 1 | 2 | 3 | 4 | 5;
export interface ImpactStep {
  afterHours: number;
  level: number;
  description?: string;
}
export interface Activity {
  id: string;
  name: string;
  kind: 'care_service' | 'administrative_process' | 'technical_platform';
  entity?: string;
  owner: string;
  priority: Priority;
  mtdHours: number;
  rtoHours: number;
  rpoHours: number;
  resumptionHours: number;
  impacts: ImpactStep[];
  degradedModeProcedure: string;
}
export interface Component {
  id: string;
  name: string;
  kind: string;
  owner?: string;
  priority: Priority;
  restoreHours: number;
  hasAlternative: boolean;
  notes?: string;
}
export interface Dependency {
  from: string;
  to: string;
  note?: string;
}
export interface Graph {
  activities: Activity[];
  components: Component[];
  dependencies: Dependency[];
}
export interface ActivityRecovery {
  id: string;
  name: string;
  priority: Priority;
  effectivePriority: Priority;
  rtoHours: number;
  mtdHours: number;
  impacted: boolean;
  recoveryHours: number | null;
  status: 'not_impacted' | 'within_rto' | 'exceeds_rto' | 'exceeds_mtd' | 'blocked_by_cycle';
  rtoMarginHours: number | null;
  lastDependency: string | null;
}
export interface ComponentSchedule {
  id: string;
  restored: boolean;
  declaredPriority: Priority;
  effectivePriority: Priority;
  step: number | null;
  startHours: number;
  finishHours: number;
  waitedFor: string | null;
}
export interface RestorePlan {
  teams: number | null;
  lost: string[];
  waves: Array<{ priority: Priority; step: number; components: string[] }>;
  order: string[];
  components: ComponentSchedule[];
  activities: ActivityRecovery[];
  criticalPath: Array<{ id: string; kind: 'activity' | 'component'; startHours: number; finishHours: number }>;
  totalRecoveryHours: number | null;
  warnings: Array<{ code: string; severity: 'error' | 'warning'; message: string; nodes: string[] }>;
}
export interface LossSimulation {
  lost: string[];
  impactedActivities: ActivityRecovery[];
  impactedComponents: string[];
  plan: RestorePlan;
}

export const ACTIVITY_KIND_LABELS: Record<Activity['kind'], string> = {
  care_service: 'Service de soins',
  administrative_process: 'Processus administratif',
  technical_platform: 'Plateau technique',
};

export const COMPONENT_KIND_LABELS: Record<string, string> = {
  application: 'Application',
  database: 'Base de données',
  server: 'Serveur',
  active_directory: 'Active Directory',
  dns: 'DNS',
  dhcp: 'DHCP',
  network: 'Réseau',
  firewall: 'Pare-feu',
  hypervisor: 'Hyperviseur',
  storage: 'Stockage',
  backup_server: 'Serveur de sauvegarde',
  workstation: 'Postes de travail',
  telecom: 'Téléphonie',
  external_provider: 'Prestataire externe',
  other: 'Autre',
};

export const IMPACT_LEVELS = ['', 'faible', 'modéré', 'grave', 'critique'] as const;

/** Hours as a short French duration. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return '—';
  const rounded = Math.round(hours * 10) / 10;
  if (rounded >= 48) return `${rounded} h (${Math.round((rounded / 24) * 10) / 10} j)`;
  return `${rounded} h`;
}

export const continuityPath = (id: number, page = '') => `/organisations/${id}/continuite${page ? `/${page}` : ''}`;
export const continuityApi = (id: number, path: string) => `/organisations/${id}/continuity/${path}`;

/** The node's activities, components and dependencies. */
export const useGraph = (id: number) => useLoad(() => api.get<Graph>(continuityApi(id, 'graph')), [id]);

/** A continuity route: the frame of `ContinuityPage` around `Body`, given the node id. */
export function continuityPage(title: string, page: string, Body: (props: { id: number }) => ReactNode) {
  return function ContinuityRoute() {
    return (
      <ContinuityPage title={title} page={page}>
        {(id) => <Body id={id} />}
      </ContinuityPage>
    );
  };
}

/** A P1 (restore first, vital) to P5 (can wait) priority, as a string form value. */
export function PrioritySelect({
  label,
  value,
  onChange,
  explained = false,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Tells what P1 and P5 mean next to them. */
  explained?: boolean;
}) {
  return (
    <Select label={label} nativeSelectProps={{ value, onChange: (e) => onChange(e.target.value) }}>
      {[1, 2, 3, 4, 5].map((p) => (
        <option key={p} value={p}>
          P{p}
          {explained && (p === 1 ? ' (vitale)' : p === 5 ? ' (peut attendre)' : '')}
        </option>
      ))}
    </Select>
  );
}

const TABS: Array<{ page: string; label: string }> = [
  { page: '', label: 'Analyse d’impact (BIA)' },
  { page: 'graphe', label: 'Graphe de dépendances' },
  { page: 'plan', label: 'Plan de reprise' },
  { page: 'sauvegardes', label: 'Sauvegardes, exercices et indicateurs' },
];

/**
 * Frame of every continuity page: resolves the node, loads it (a refusal gives the 403 page), shows the
 * breadcrumb, the title and the continuity sub-navigation, then the page's own content.
 */
export function ContinuityPage({
  title,
  page,
  children,
}: {
  title: string;
  page: string;
  children: (id: number, node: OrganisationDetail) => ReactNode;
}) {
  const scope = useNodeId(page ? `continuite/${page}` : 'continuite');
  if ('redirect' in scope) return scope.redirect;
  if ('invalid' in scope) return <AccessDeniedPage reason="not_found" />;
  return (
    <ContinuityFrame key={scope.id} id={scope.id} title={title}>
      {children}
    </ContinuityFrame>
  );
}

function ContinuityFrame({
  id,
  title,
  children,
}: {
  id: number;
  title: string;
  children: (id: number, node: OrganisationDetail) => ReactNode;
}) {
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  // The graph read checks continuity.read: a role without it sees the 403 page, not an empty module.
  const allowed = useGraph(id);
  const failure = node.error ?? allowed.error;
  if (failure) return <PageError error={failure} />;
  if (!node.data || !allowed.data) return <Loading />;
  const o = node.data;
  return (
    <>
      <NodeBreadcrumb
        node={o}
        via={[{ label: 'Continuité (D2)', linkProps: { to: continuityPath(o.id) } }]}
        page={title}
      />
      <h1>{title}</h1>
      <p className="fr-text--sm">Continuité et reprise d’activité (CaRE, domaine D2) — {o.name}</p>
      <nav className="fr-mb-4w" aria-label="Pages de la continuité">
        <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
          {TABS.map((t) => (
            <li key={t.page}>
              <NavLink
                end
                to={continuityPath(o.id, t.page)}
                className={({ isActive }) => `fr-btn fr-btn--sm ${isActive ? '' : 'fr-btn--secondary'}`}
              >
                {t.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      {children(o.id, o)}
    </>
  );
}

/** Parses a decimal number typed in a form field (comma or dot); NaN when empty or not a number. */
export function parseNumber(text: string): number {
  const t = text.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return Number.NaN;
  return Number(t);
}

/**
 * PUT with JSON (the shared client has no PUT; the continuity API saves nodes and records with it). Same
 * contract as the shared client: CSRF header, French `ApiError` from the server's `{ error }`.
 */
export async function putJson<T>(path: string, body: unknown, csrfToken: string | null | undefined): Promise<T> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path), {
      method: 'PUT',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken ?? '' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'le serveur est injoignable, vérifiez votre connexion');
  }
  const parsed = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!response.ok) {
    const message = parsed?.error?.message;
    throw new ApiError(
      response.status,
      parsed?.error?.code ?? 'http_error',
      typeof message === 'string' && message ? message.slice(0, 500) : `erreur du serveur (HTTP ${response.status})`,
    );
  }
  return parsed as T;
}
