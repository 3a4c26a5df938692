import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, apiUrl } from '../../api.js';
import { euros, ROADMAP_STATUS_LABELS, type RoadmapStatus } from '../../components/care/care.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Loading } from '../../components/Loading.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import { AccessDeniedPage } from '../AccessDenied.js';
import { useAssessmentId } from './Questionnaire.js';

interface RoadmapItem {
  rank: number;
  measureId: string;
  title: string;
  why: string;
  how: string;
  effort: 'low' | 'medium' | 'high';
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  cost: { build: number; run: number };
  objectives: string[];
  mandatory: boolean;
  unblocks: string[];
  owner: string | null;
  dueDate: string | null;
  status: RoadmapStatus;
}
interface Roadmap {
  referential: { id: string; version: number };
  generatedOn: string;
  items: RoadmapItem[];
  totals: { build: number; run: number };
  summary: { title: string; headlines: string[] };
}

const EFFORT = { low: 'faible', medium: 'moyen', high: 'élevé' } as const;
const PRIORITY_SEVERITY = { P1: 'error', P2: 'warning', P3: 'info', P4: 'new' } as const;

/** The cyber roadmap generated from the gaps: ranked measures, editable follow-up, exports. */
export function RoadmapPage() {
  const id = useAssessmentId();
  if (id === null) return <AccessDeniedPage reason="not_found" />;
  return <RoadmapOf key={id} id={id} />;
}

function RoadmapOf({ id }: { id: number }) {
  const roadmap = useLoad(() => api.get<Roadmap>(`/assessments/${id}/roadmap`), [id]);
  if (roadmap.error) return <PageError error={roadmap.error} />;
  if (!roadmap.data) return <Loading />;
  const { items, totals, summary } = roadmap.data;
  return (
    <>
      <h1>Feuille de route cyber</h1>
      <p className="fr-text--sm">
        <Link to={`/evaluations/${id}`}>Questionnaire</Link> ·{' '}
        <Link to={`/evaluations/${id}/score`}>Score et tendance</Link>
      </p>
      <div className="fr-callout fr-mb-3w">
        <h2 className="fr-callout__title">{summary.title}</h2>
        <ul className="fr-callout__text">
          {summary.headlines.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      </div>
      <p>
        Exporter :{' '}
        <a className="fr-link fr-link--download" href={apiUrl(`/assessments/${id}/roadmap.csv`)} download>
          CSV
        </a>{' '}
        ·{' '}
        <a className="fr-link fr-link--download" href={apiUrl(`/assessments/${id}/roadmap.xlsx`)} download>
          Classeur XLSX
        </a>{' '}
        ·{' '}
        <a className="fr-link fr-link--download" href={apiUrl(`/assessments/${id}/roadmap.pdf`)} download>
          Synthèse PDF pour la direction
        </a>
      </p>
      <p data-testid="roadmap-totals">
        {items.length} mesure(s) — coût estimé : {euros(totals.build)} de mise en place, {euros(totals.run)} par an de
        fonctionnement (HT, estimations du référentiel).
      </p>
      {items.length === 0 ? (
        <Alert severity="success" title="Aucune mesure" description="Aucun écart : la feuille de route est vide." />
      ) : (
        <ol className="fr-raw-list" data-testid="roadmap">
          {items.map((item) => (
            <MeasureRow key={item.measureId} assessmentId={id} item={item} />
          ))}
        </ol>
      )}
    </>
  );
}

function MeasureRow({ assessmentId, item }: { assessmentId: number; item: RoadmapItem }) {
  const [owner, setOwner] = useState(item.owner ?? '');
  const [dueDate, setDueDate] = useState(item.dueDate ?? '');
  const [status, setStatus] = useState<RoadmapStatus>(item.status);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const prefix = `measure-${item.measureId}`;

  async function save() {
    setError(null);
    setSaved(false);
    try {
      await api.patch(`/assessments/${assessmentId}/roadmap/${encodeURIComponent(item.measureId)}`, {
        owner: owner.trim() === '' ? null : owner.trim(),
        dueDate: dueDate === '' ? null : dueDate,
        status,
      });
      setSaved(true);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <li className="fr-card fr-card--no-border fr-p-3w fr-mb-2w" data-testid={prefix}>
      <h3 className="fr-h6 fr-mb-1w">
        {item.rank}. {item.title}{' '}
        <Badge small severity={PRIORITY_SEVERITY[item.priority]}>
          {item.priority}
        </Badge>
        {item.mandatory ? (
          <>
            {' '}
            <Badge small severity="warning">
              Exigence obligatoire
            </Badge>
          </>
        ) : null}
      </h3>
      <p className="fr-text--sm fr-mb-1w">
        <strong>Pourquoi :</strong> {item.why}
      </p>
      <p className="fr-text--sm fr-mb-1w">
        <strong>Comment :</strong> {item.how}
      </p>
      <p className="fr-text--xs fr-mb-2w">
        Objectifs : {item.objectives.join(', ')}
        {item.unblocks.length ? ` · débloque ${item.unblocks.join(', ')}` : ''} · effort {EFFORT[item.effort]} · coût{' '}
        {euros(item.cost.build)} + {euros(item.cost.run)}/an
      </p>
      <ErrorAlert error={error} title="Enregistrement impossible" />
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-4 fr-input-group">
          <label className="fr-label" htmlFor={`${prefix}-owner`}>
            Responsable
          </label>
          <input
            className="fr-input"
            id={`${prefix}-owner`}
            value={owner}
            maxLength={200}
            onChange={(e) => setOwner(e.currentTarget.value)}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3 fr-input-group">
          <label className="fr-label" htmlFor={`${prefix}-due`}>
            Échéance
          </label>
          <input
            className="fr-input"
            type="date"
            id={`${prefix}-due`}
            value={dueDate}
            onChange={(e) => setDueDate(e.currentTarget.value)}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3 fr-select-group">
          <label className="fr-label" htmlFor={`${prefix}-status`}>
            Statut
          </label>
          <select
            className="fr-select"
            id={`${prefix}-status`}
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as RoadmapStatus)}
          >
            {Object.entries(ROADMAP_STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="fr-col-12 fr-col-md-2">
          <Button size="small" onClick={save}>
            Enregistrer
          </Button>
        </div>
      </div>
      {saved ? (
        <p className="fr-text--xs fr-mt-1w" aria-live="polite">
          Mesure {item.measureId} enregistrée.
        </p>
      ) : null}
    </li>
  );
}
