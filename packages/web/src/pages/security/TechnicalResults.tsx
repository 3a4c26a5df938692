import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { ApiError, api } from '../../api.js';
import { Loading } from '../../components/Loading.js';
import { NodeBreadcrumb, useNodeId } from '../../components/NodeScope.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import { formatDateTime } from '../../labels.js';
import type { OrganisationDetail } from '../../types.js';
import { AccessDeniedPage } from '../AccessDenied.js';

interface ResultSummary {
  id: number;
  engine: string;
  rulesetVersion: string;
  generatedAt: string;
  headline: string;
}
interface Indicators {
  indicators: Array<{ key: string; value: unknown; measuredAt: string; engine: string | null }>;
  latest: ResultSummary[];
}
interface DetectAlert {
  timestamp: string;
  computer: string;
  channel: string;
  eventId: number;
  level: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  ruleTitle: string;
  details: string;
}

const ENGINE_LABELS: Record<string, string> = {
  'ad-audit': 'Audit Active Directory',
  exposure: 'Audit d’exposition internet',
  detect: 'Détection d’intrusion (journaux Windows)',
};
const INDICATOR_LABELS: Record<string, string> = {
  'ad.anssi_level': 'Niveau ANSSI de l’Active Directory',
  'ad.audit_done': 'Audit Active Directory réalisé',
  'exposure.d1_cadence': 'Deux audits d’exposition à 45–60 jours (D1)',
  'exposure.critical_findings': 'Constats d’exposition critiques',
  'detect.alerts_critical': 'Alertes critiques (dernière analyse)',
  'detect.alerts_high': 'Alertes hautes (dernière analyse)',
  'detect.last_scan': 'Dernière analyse des journaux',
};
const LEVELS: Record<
  DetectAlert['level'],
  { label: string; severity: 'error' | 'warning' | 'info' | 'new' | 'success' }
> = {
  critical: { label: 'Critique', severity: 'error' },
  high: { label: 'Haute', severity: 'warning' },
  medium: { label: 'Moyenne', severity: 'new' },
  low: { label: 'Basse', severity: 'info' },
  informational: { label: 'Information', severity: 'info' },
};
const ALERTS_SHOWN = 200;

function formatValue(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value)) return formatDateTime(value);
  return String(value);
}

/** The technical results of a node: indicators for everyone allowed, detection alerts for those who see findings. */
export function TechnicalResultsPage() {
  const scope = useNodeId('securite');
  if ('redirect' in scope) return scope.redirect;
  if ('invalid' in scope) return <AccessDeniedPage reason="not_found" />;
  return <ResultsOfNode key={scope.id} id={scope.id} />;
}

function ResultsOfNode({ id }: { id: number }) {
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  const indicators = useLoad(() => api.get<Indicators>(`/organisations/${id}/indicators`), [id]);
  const failure = node.error ?? indicators.error;
  if (failure) return <PageError error={failure} />;
  if (!node.data || !indicators.data) return <Loading />;
  const detect = indicators.data.latest.find((r) => r.engine === 'detect');
  return (
    <>
      <NodeBreadcrumb node={node.data} page="Sécurité opérationnelle" />
      <h1>Sécurité opérationnelle</h1>
      <p className="fr-text--lead">
        Résultats des audits et de la détection envoyés par l’outil <code>rempart</code> pour {node.data.name}.
      </p>
      <h2>Indicateurs</h2>
      {indicators.data.indicators.length === 0 ? (
        <p>Aucun résultat technique reçu pour l’instant.</p>
      ) : (
        <Table
          headers={['Indicateur', 'Valeur', 'Mesuré le']}
          data={indicators.data.indicators.map((i) => [
            INDICATOR_LABELS[i.key] ?? i.key,
            formatValue(i.value),
            formatDateTime(i.measuredAt),
          ])}
        />
      )}
      <h2>Derniers résultats</h2>
      {indicators.data.latest.length === 0 ? (
        <p>Aucun.</p>
      ) : (
        <Table
          headers={['Outil', 'Résultat', 'Produit le', 'Règles']}
          data={indicators.data.latest.map((r) => [
            ENGINE_LABELS[r.engine] ?? r.engine,
            r.headline,
            formatDateTime(r.generatedAt),
            r.rulesetVersion,
          ])}
        />
      )}
      {detect && <DetectionAlerts resultId={detect.id} />}
    </>
  );
}

function DetectionAlerts({ resultId }: { resultId: number }) {
  const result = useLoad(
    () => api.get<{ bundle: { alerts: DetectAlert[]; truncated: boolean } }>(`/results/${resultId}`),
    [resultId],
  );
  if (result.error instanceof ApiError && result.error.forbidden) {
    return (
      <Alert
        severity="info"
        small
        description="Le détail des alertes de cet établissement n’est visible qu’avec une habilitation explicite."
      />
    );
  }
  if (result.error) return <PageError error={result.error} />;
  if (!result.data) return <Loading />;
  const alerts = result.data.bundle.alerts;
  return (
    <section data-testid="detection-alerts">
      <h2>Alertes de détection</h2>
      {alerts.length === 0 ? (
        <p>Aucune alerte lors de la dernière analyse.</p>
      ) : (
        <Table
          caption={`${alerts.length} alerte(s)${alerts.length > ALERTS_SHOWN ? `, les ${ALERTS_SHOWN} plus récentes affichées` : ''}`}
          headers={['Horodatage', 'Niveau', 'Règle', 'Poste', 'Journal', 'Événement', 'Détails']}
          data={alerts.slice(0, ALERTS_SHOWN).map((a) => [
            formatDateTime(a.timestamp),
            <Badge key="l" severity={LEVELS[a.level].severity} small noIcon>
              {LEVELS[a.level].label}
            </Badge>,
            a.ruleTitle,
            a.computer,
            a.channel,
            String(a.eventId),
            <span key="d" className="fr-text--xs" style={{ wordBreak: 'break-word' }}>
              {a.details}
            </span>,
          ])}
        />
      )}
    </section>
  );
}
