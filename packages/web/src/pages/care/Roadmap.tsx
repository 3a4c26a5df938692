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
  /** Counted costs: the edited ones where set, else the referential's estimate. */
  cost: { build: number; run: number };
  estimate: { build: number; run: number };
  costBuild: number | null;
  costRun: number | null;
  objectives: string[];
  mandatory: boolean;
  unblocks: string[];
  owner: string | null;
  /** `objective`: the owner of an objective the measure serves, shown until the measure gets its own. */
  ownerFrom: 'measure' | 'objective' | null;
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
        fonctionnement (HT, mesures ni terminées ni abandonnées ; estimations du référentiel sauf coûts saisis).
      </p>
      {items.length === 0 ? (
        <Alert severity="success" title="Aucune mesure" description="Aucun écart : la feuille de route est vide." />
      ) : (
        <ol className="fr-raw-list" data-testid="roadmap">
          {items.map((item) => (
            <MeasureRow key={item.measureId} assessmentId={id} item={item} onSaved={roadmap.reload} />
          ))}
        </ol>
      )}
    </>
  );
}

/** A cost field: empty means "the referential's estimate"; else whole euros. */
function costValue(text: string): number | null {
  const t = text.trim().replace(/\s/g, '');
  return t === '' ? null : Number(t);
}

function MeasureRow({ assessmentId, item, onSaved }: { assessmentId: number; item: RoadmapItem; onSaved: () => void }) {
  // Only the measure's own owner is edited here; an objective's owner is shown as the default.
  const [owner, setOwner] = useState(item.ownerFrom === 'measure' ? (item.owner ?? '') : '');
  const [costBuild, setCostBuild] = useState(item.costBuild === null ? '' : String(item.costBuild));
  const [costRun, setCostRun] = useState(item.costRun === null ? '' : String(item.costRun));
  const [dueDate, setDueDate] = useState(item.dueDate ?? '');
  const [status, setStatus] = useState<RoadmapStatus>(item.status);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const prefix = `measure-${item.measureId}`;

  async function save() {
    setError(null);
    setSaved(false);
    const costs = [costValue(costBuild), costValue(costRun)];
    if (costs.some((c) => c !== null && !Number.isSafeInteger(c))) {
      setError(
        new Error('coût : un nombre entier d’euros est attendu (laisser vide pour l’estimation du référentiel)'),
      );
      return;
    }
    try {
      await api.patch(`/assessments/${assessmentId}/roadmap/${encodeURIComponent(item.measureId)}`, {
        owner: owner.trim() === '' ? null : owner.trim(),
        dueDate: dueDate === '' ? null : dueDate,
        status,
        costBuild: costValue(costBuild),
        costRun: costValue(costRun),
      });
      setSaved(true);
      onSaved();
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
        {item.unblocks.length ? ` · débloque ${item.unblocks.join(', ')}` : ''} · effort {EFFORT[item.effort]} ·{' '}
        <span data-testid={`${prefix}-cost`}>
          coût {euros(item.cost.build)} + {euros(item.cost.run)}/an
          {item.costBuild !== null || item.costRun !== null
            ? ` (saisi ; estimation du référentiel ${euros(item.estimate.build)} + ${euros(item.estimate.run)}/an)`
            : ' (estimation du référentiel)'}
        </span>
      </p>
      {item.ownerFrom === 'objective' ? (
        <p className="fr-text--xs fr-mb-1w" data-testid={`${prefix}-default-owner`}>
          Responsable par défaut : {item.owner} (responsable de l’objectif servi)
        </p>
      ) : null}
      <ErrorAlert error={error} title="Enregistrement impossible" />
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-3 fr-input-group">
          <label className="fr-label" htmlFor={`${prefix}-owner`}>
            Responsable
          </label>
          <input
            className="fr-input"
            id={`${prefix}-owner`}
            value={owner}
            maxLength={200}
            placeholder={item.ownerFrom === 'objective' ? (item.owner ?? '') : ''}
            onChange={(e) => setOwner(e.currentTarget.value)}
          />
        </div>
        <div className="fr-col-6 fr-col-md-2 fr-input-group">
          <label className="fr-label" htmlFor={`${prefix}-build`}>
            Mise en place (€ HT)
          </label>
          <input
            className="fr-input"
            id={`${prefix}-build`}
            inputMode="numeric"
            value={costBuild}
            placeholder={String(item.estimate.build)}
            onChange={(e) => setCostBuild(e.currentTarget.value)}
          />
        </div>
        <div className="fr-col-6 fr-col-md-2 fr-input-group">
          <label className="fr-label" htmlFor={`${prefix}-run`}>
            Par an (€ HT)
          </label>
          <input
            className="fr-input"
            id={`${prefix}-run`}
            inputMode="numeric"
            value={costRun}
            placeholder={String(item.estimate.run)}
            onChange={(e) => setCostRun(e.currentTarget.value)}
          />
        </div>
        <div className="fr-col-6 fr-col-md-2 fr-input-group">
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
        <div className="fr-col-6 fr-col-md-2 fr-select-group">
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
        <div className="fr-col-12 fr-col-md-1">
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
