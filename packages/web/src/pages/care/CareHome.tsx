import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api.js';
import { ASSESSMENT_STATUS_LABELS, ASSESSMENT_STATUS_SEVERITY, type Assessment } from '../../components/care/care.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Loading } from '../../components/Loading.js';
import { NodeBreadcrumb, useNodeId } from '../../components/NodeScope.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import { formatDate, formatDateTime } from '../../labels.js';
import type { OrganisationDetail } from '../../types.js';
import { AccessDeniedPage } from '../AccessDenied.js';
import { type Campaign, type CampaignMember, deadlineText, PROGRESS_LABELS } from './Campaigns.js';

/** A campaign reminder sent by mail, as `GET /organisations/:id/reminders` lists it. */
interface SentReminder {
  id: number;
  campaign: { id: number; name: string; deadline: string };
  organisation: { id: number; name: string };
  assessmentId: number;
  stage: string;
  day: string;
  recipients: number;
  delivery: { sent: number; pending: number; dead: number };
}

function stageLabel(stage: string): string {
  if (stage === 'overdue') return 'échéance dépassée';
  const week = /^overdue-(\d+)$/.exec(stage)?.[1];
  if (week) return `échéance dépassée, ${week}e semaine`;
  const days = /^j(\d+)$/.exec(stage)?.[1];
  return days ? `${days} jours avant l’échéance` : stage;
}

function deliveryLabel(r: SentReminder): string {
  if (r.recipients === 0) return 'aucun RSSI ni directeur à prévenir';
  const parts = [
    r.delivery.sent ? `${r.delivery.sent} envoyé(s)` : null,
    r.delivery.pending ? `${r.delivery.pending} en attente` : null,
    r.delivery.dead ? `${r.delivery.dead} en échec` : null,
  ];
  return parts.filter(Boolean).join(', ');
}

/** The CaRE programme for a node: its self-assessments (establishments) and its dashboard (every level). */
export function CareHomePage() {
  const scope = useNodeId('care');
  if ('redirect' in scope) return scope.redirect;
  if ('invalid' in scope) return <AccessDeniedPage reason="not_found" />;
  return <CareOfNode key={scope.id} id={scope.id} />;
}

function CareOfNode({ id }: { id: number }) {
  const navigate = useNavigate();
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  const assessments = useLoad(() => api.get<{ items: Assessment[] }>(`/organisations/${id}/assessments`), [id]);
  const todo = useLoad(
    () => api.get<{ items: Array<CampaignMember & { campaign: Campaign }> }>(`/organisations/${id}/todo`),
    [id],
  );
  const reminders = useLoad(() => api.get<{ items: SentReminder[] }>(`/organisations/${id}/reminders`), [id]);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const failure = node.error ?? assessments.error;
  if (failure) return <PageError error={failure} />;
  if (!node.data || !assessments.data) return <Loading />;
  const assessable = ['group', 'legal_entity', 'site'].includes(node.data.kind);
  const hasDraft = assessments.data.items.some((a) => a.status === 'draft');

  async function start() {
    setStarting(true);
    setError(null);
    try {
      const created = await api.post<Assessment>(`/organisations/${id}/assessments`, { referentialId: 'care' });
      navigate(`/evaluations/${created.id}`);
    } catch (e) {
      setError(e);
      setStarting(false);
    }
  }

  return (
    <>
      <NodeBreadcrumb node={node.data} page="Programme CaRE" />
      <h1>Programme CaRE — {node.data.name}</h1>
      <p>
        <Link
          className="fr-link fr-icon-arrow-right-line fr-link--icon-right"
          to={`/organisations/${id}/tableau-de-bord`}
        >
          Tableau de bord CaRE
        </Link>{' '}
        ·{' '}
        <Link className="fr-link" to={`/organisations/${id}/campagnes`}>
          Campagnes
        </Link>
      </p>
      {todo.data && todo.data.items.length > 0 ? (
        <div className="fr-callout fr-mb-3w" data-testid="care-todo">
          <h2 className="fr-callout__title">À faire</h2>
          <ul className="fr-callout__text">
            {todo.data.items.map((t) => (
              <li key={`${t.campaign.id}-${t.organisationId}`}>
                {t.campaign.name} — {t.name} : {PROGRESS_LABELS[t.progress]}, {deadlineText(t)} (échéance{' '}
                {formatDate(t.campaign.deadline)}) · <Link to={`/evaluations/${t.assessmentId}`}>ouvrir</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {reminders.data && reminders.data.items.length > 0 ? (
        <section className="fr-mb-3w" data-testid="care-reminders">
          <h2>Relances envoyées par courriel</h2>
          <p className="fr-text--sm">
            Envoyées automatiquement au RSSI et à la direction de chaque établissement dont l’auto-évaluation n’est pas
            soumise, 14 et 3 jours avant l’échéance puis une fois l’échéance dépassée.
          </p>
          <Table
            headers={['Date', 'Campagne', 'Établissement', 'Motif', 'Envoi']}
            data={reminders.data.items.map((r) => [
              formatDate(r.day),
              r.campaign.name,
              r.organisation.name,
              stageLabel(r.stage),
              deliveryLabel(r),
            ])}
          />
        </section>
      ) : null}
      {error ? <ErrorAlert error={error} title="Création impossible" /> : null}
      <h2>Auto-évaluations</h2>
      {assessments.data.items.length === 0 ? (
        <p>Aucune auto-évaluation pour ce nœud.</p>
      ) : (
        <Table
          headers={['Référentiel', 'Statut', 'Mise à jour', 'Soumise', 'Signée', 'Accès']}
          data={assessments.data.items.map((a) => [
            `${a.referential.name} (v${a.referential.version})`,
            <Badge key="s" small severity={ASSESSMENT_STATUS_SEVERITY[a.status]}>
              {ASSESSMENT_STATUS_LABELS[a.status]}
            </Badge>,
            formatDateTime(a.updatedAt),
            formatDateTime(a.submittedAt),
            formatDateTime(a.signedAt),
            <span key="l">
              <Link to={`/evaluations/${a.id}`}>Questionnaire</Link> ·{' '}
              <Link to={`/evaluations/${a.id}/score`}>Score</Link> ·{' '}
              <Link to={`/evaluations/${a.id}/feuille-de-route`}>Feuille de route</Link>
            </span>,
          ])}
        />
      )}
      {assessable && !hasDraft ? (
        <Button onClick={start} disabled={starting} iconId="fr-icon-add-line">
          Commencer une auto-évaluation CaRE
        </Button>
      ) : null}
    </>
  );
}
