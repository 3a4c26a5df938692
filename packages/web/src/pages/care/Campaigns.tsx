import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, api } from '../../api.js';
import { ErrorAlert, SuccessAlert } from '../../components/ErrorAlert.js';
import { Loading } from '../../components/Loading.js';
import { NodeBreadcrumb, useNodeId } from '../../components/NodeScope.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import { formatDate } from '../../labels.js';
import type { OrganisationDetail } from '../../types.js';
import { AccessDeniedPage } from '../AccessDenied.js';

export interface Campaign {
  id: number;
  organisationId: number;
  name: string;
  referential: { id: string; version: number };
  deadline: string;
  target: 'legal_entities' | 'sites';
  groupFiles: boolean;
  createdAt: string;
}
export interface CampaignMember {
  organisationId: number;
  name: string;
  /** `group` for a group file answering for all its members. */
  kind: string;
  department: string | null;
  assessmentId: number;
  /** The referential version of the linked assessment (older than the campaign's for a linked draft). */
  version: number;
  progress: 'not_started' | 'draft' | 'submitted' | 'signed';
  daysLeft: number;
  overdue: boolean;
}
interface Progress {
  campaign: Campaign;
  counts: {
    members: number;
    not_started: number;
    draft: number;
    submitted: number;
    signed: number;
    overdue: number;
  };
}

export const PROGRESS_LABELS: Record<CampaignMember['progress'], string> = {
  not_started: 'Non commencée',
  draft: 'En cours (brouillon)',
  submitted: 'Soumise',
  signed: 'Signée',
};

export function deadlineText(m: Pick<CampaignMember, 'daysLeft' | 'overdue'>): string {
  if (m.overdue) return `en retard de ${-m.daysLeft} jour(s)`;
  return m.daysLeft === 0 ? 'échéance aujourd’hui' : `${m.daysLeft} jour(s) restant(s)`;
}

/** Campaigns of a node: those launched at it, above or below it, their progress and reminders; launching one. */
export function CampaignsPage() {
  const scope = useNodeId('campagnes');
  if ('redirect' in scope) return scope.redirect;
  if ('invalid' in scope) return <AccessDeniedPage reason="not_found" />;
  return <CampaignsOf key={scope.id} id={scope.id} />;
}

function CampaignsOf({ id }: { id: number }) {
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  const campaigns = useLoad(() => api.get<{ items: Campaign[] }>(`/organisations/${id}/campaigns`), [id]);
  const failure = node.error ?? campaigns.error;
  if (failure) return <PageError error={failure} />;
  if (!node.data || !campaigns.data) return <Loading />;
  return (
    <>
      <NodeBreadcrumb node={node.data} page="Campagnes CaRE" />
      <h1>Campagnes CaRE — {node.data.name}</h1>
      {['nation', 'region', 'group'].includes(node.data.kind) ? (
        <LaunchForm organisationId={id} onLaunched={campaigns.reload} />
      ) : null}
      {campaigns.data.items.length === 0 ? <p>Aucune campagne pour ce nœud.</p> : null}
      {campaigns.data.items.map((c) => (
        <CampaignCard key={c.id} campaign={c} />
      ))}
    </>
  );
}

function LaunchForm({ organisationId, onLaunched }: { organisationId: number; onLaunched: () => void }) {
  const [name, setName] = useState('');
  const [deadline, setDeadline] = useState('');
  const [target, setTarget] = useState<Campaign['target']>('legal_entities');
  const [groupFiles, setGroupFiles] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = await api.post<{ campaign: Campaign; push: { created: number; linked: number } }>(
        `/organisations/${organisationId}/campaigns`,
        { name: name.trim(), referentialId: 'care', deadline, target, groupFiles },
      );
      setDone(
        `campagne « ${result.campaign.name} » lancée : ${result.push.created} auto-évaluation(s) créée(s), ${result.push.linked} existante(s) rattachée(s)`,
      );
      setName('');
      onLaunched();
    } catch (e) {
      setError(
        e instanceof ApiError && e.forbidden
          ? new ApiError(403, e.code, 'votre rôle ne permet pas de lancer une campagne')
          : e,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <form aria-label="Lancer une campagne" onSubmit={submit} className="fr-mb-4w">
      <h2>Lancer une campagne</h2>
      <p className="fr-text--sm">
        Chaque entité juridique du périmètre (ou chaque site, sur demande) reçoit une auto-évaluation CaRE à rendre
        avant l’échéance. Une auto-évaluation existante est rattachée, y compris un brouillon sur une version antérieure
        du référentiel.
      </p>
      <ErrorAlert error={error} title="Lancement impossible" />
      <SuccessAlert message={done} />
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-5 fr-input-group">
          <label className="fr-label" htmlFor="campaign-name">
            Nom de la campagne
          </label>
          <input
            className="fr-input"
            id="campaign-name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3 fr-input-group">
          <label className="fr-label" htmlFor="campaign-deadline">
            Échéance
          </label>
          <input
            className="fr-input"
            type="date"
            id="campaign-deadline"
            required
            value={deadline}
            onChange={(e) => setDeadline(e.currentTarget.value)}
          />
        </div>
        <div className="fr-col-12 fr-col-md-4 fr-select-group">
          <label className="fr-label" htmlFor="campaign-target">
            Destinataires
          </label>
          <select
            className="fr-select"
            id="campaign-target"
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value as Campaign['target'])}
          >
            <option value="legal_entities">Une par entité juridique (FINESS EJ)</option>
            <option value="sites">Une par site (FINESS EG)</option>
          </select>
        </div>
        <div className="fr-col-12 fr-checkbox-group">
          <input
            type="checkbox"
            id="campaign-group-files"
            checked={groupFiles}
            onChange={(e) => setGroupFiles(e.currentTarget.checked)}
          />
          <label className="fr-label" htmlFor="campaign-group-files">
            Un dossier unique par groupement (GHT) pour tous ses membres
          </label>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Button type="submit" disabled={busy}>
            Lancer la campagne
          </Button>
        </div>
      </div>
    </form>
  );
}

function CampaignCard({ campaign }: { campaign: Campaign }) {
  const progress = useLoad(() => api.get<Progress>(`/campaigns/${campaign.id}/progress`), [campaign.id]);
  const reminders = useLoad(
    () => api.get<{ deadline: string; items: CampaignMember[] }>(`/campaigns/${campaign.id}/reminders`),
    [campaign.id],
  );
  const counts = progress.data?.counts;
  return (
    <section className="fr-card fr-card--no-border fr-p-3w fr-mb-3w" data-testid={`campaign-${campaign.id}`}>
      <h2 className="fr-h4">
        {campaign.name}{' '}
        <Badge small severity="info">
          échéance {formatDate(campaign.deadline)}
        </Badge>
      </h2>
      <p className="fr-text--sm">
        Référentiel {campaign.referential.id} v{campaign.referential.version}, lancée le{' '}
        {formatDate(campaign.createdAt)} — {campaign.target === 'sites' ? 'une par site' : 'une par entité juridique'}
        {campaign.groupFiles ? ', un dossier par groupement pour ses membres' : ''}
      </p>
      <ErrorAlert error={progress.error ?? reminders.error} title="Suivi indisponible" />
      {counts ? (
        <p data-testid={`campaign-progress-${campaign.id}`}>
          {counts.members} établissement(s) : {counts.not_started} non commencée(s), {counts.draft} en cours,{' '}
          {counts.submitted} soumise(s), {counts.signed} signée(s)
          {counts.overdue > 0 ? ` — ${counts.overdue} en retard` : ''}.
        </p>
      ) : (
        <Loading />
      )}
      {reminders.data ? (
        reminders.data.items.length === 0 ? (
          <p className="fr-text--sm">Aucune relance nécessaire.</p>
        ) : (
          <>
            <h3 className="fr-h6">Relances ({reminders.data.items.length})</h3>
            <Table
              headers={['Établissement', 'Département', 'Avancement', 'Échéance']}
              data={reminders.data.items.map((m) => [
                <span key="n">
                  <Link to={`/organisations/${m.organisationId}/care`}>{m.name}</Link>
                  {m.kind === 'group' ? ' (dossier du groupement)' : ''}
                  {m.version !== campaign.referential.version ? ` — brouillon en v${m.version}` : ''}
                </span>,
                m.department ?? '—',
                PROGRESS_LABELS[m.progress],
                m.overdue ? (
                  <Badge key="d" small severity="error">
                    {deadlineText(m)}
                  </Badge>
                ) : (
                  deadlineText(m)
                ),
              ])}
            />
          </>
        )
      ) : null}
    </section>
  );
}
