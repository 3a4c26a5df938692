import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Table } from '@codegouvfr/react-dsfr/Table';
import {
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import { Link } from 'react-router-dom';
import { api } from '../../api.js';
import { OBJECTIVE_STATUS, percent, type Referential, type Score } from '../../components/care/care.js';
import { Loading } from '../../components/Loading.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import { formatDate, formatDateTime } from '../../labels.js';
import { AccessDeniedPage } from '../AccessDenied.js';
import { useAssessmentId } from './Questionnaire.js';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);

interface Snapshot {
  at: string;
  referential: { id: string; version: number };
  score: number | null;
  objectivesReached: number;
  objectivesApplicable: number;
}

const BLUE = '#000091';
const RED = '#c9191e';

/** Score of an assessment per axis and objective, and its trend over the snapshots taken at each submission. */
export function ScoreTrendPage() {
  const id = useAssessmentId();
  if (id === null) return <AccessDeniedPage reason="not_found" />;
  return <ScoreOf key={id} id={id} />;
}

async function load(id: number) {
  // Readable by whoever may read the assessment's statuses (`assessment.read`), not only its answers.
  const [score, snapshots] = await Promise.all([
    api.get<Score & { referential: { id: string; version: number } }>(`/assessments/${id}/score`),
    api.get<{ items: Snapshot[] }>(`/assessments/${id}/snapshots`),
  ]);
  const referential = await api.get<Referential>(
    `/referentials/${encodeURIComponent(score.referential.id)}/versions/${score.referential.version}`,
  );
  return { score, snapshots: snapshots.items, referential };
}

function ScoreOf({ id }: { id: number }) {
  const loaded = useLoad(() => load(id), [id]);
  if (loaded.error) return <PageError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { score, snapshots, referential } = loaded.data;
  const axisTitle = new Map(referential.axes.map((a) => [a.id, a.title]));
  const objectiveTitle = new Map(referential.axes.flatMap((a) => a.objectives.map((o) => [o.id, o.title] as const)));
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  return (
    <>
      <h1>Score CaRE et tendance</h1>
      <p className="fr-text--sm">
        <Link to={`/evaluations/${id}`}>Questionnaire</Link> ·{' '}
        <Link to={`/evaluations/${id}/feuille-de-route`}>Feuille de route</Link>
      </p>
      <div className="fr-grid-row fr-grid-row--gutters fr-mb-3w">
        <div className="fr-col-12 fr-col-md-4">
          <p className="fr-h2 fr-mb-0" data-testid="overall-score">
            {percent(score.overall.score)}
          </p>
          <p>score global pondéré (brouillon compris)</p>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <p className="fr-h2 fr-mb-0">
            {score.overall.objectivesReached} / {score.overall.objectivesApplicable}
          </p>
          <p>objectifs atteints</p>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <p className="fr-h2 fr-mb-0">{percent(score.overall.completion)}</p>
          <p>
            du questionnaire renseigné ({score.overall.dontKnow.length} « je ne sais pas »,{' '}
            {score.overall.unanswered.length} sans réponse)
          </p>
        </div>
      </div>
      <h2>Par axe</h2>
      <div className="fr-mb-4w" style={{ maxWidth: 800 }}>
        <Bar
          aria-label="Score par axe"
          data={{
            labels: score.axes.map((a) => axisTitle.get(a.id) ?? a.id),
            datasets: [{ label: 'Score (%)', data: score.axes.map((a) => pct(a.score)), backgroundColor: BLUE }],
          }}
          options={{ indexAxis: 'y', scales: { x: { min: 0, max: 100 } }, animation: false }}
        />
      </div>
      <h2>Tendance</h2>
      {snapshots.length === 0 ? (
        <p>Pas encore de soumission : la tendance apparaîtra après la première.</p>
      ) : (
        <div className="fr-mb-4w" style={{ maxWidth: 800 }} data-testid="trend">
          <Line
            aria-label="Évolution du score à chaque soumission"
            data={{
              labels: snapshots.map((s) => formatDate(s.at)),
              datasets: [
                {
                  label: 'Score global (%)',
                  data: snapshots.map((s) => pct(s.score)),
                  borderColor: BLUE,
                  backgroundColor: BLUE,
                },
                {
                  label: 'Objectifs atteints (%)',
                  data: snapshots.map((s) =>
                    s.objectivesApplicable === 0 ? null : pct(s.objectivesReached / s.objectivesApplicable),
                  ),
                  borderColor: RED,
                  backgroundColor: RED,
                },
              ],
            }}
            options={{ scales: { y: { min: 0, max: 100 } }, animation: false }}
          />
          <p className="fr-text--xs">
            {snapshots.length} soumission(s), la dernière le {formatDateTime(snapshots[snapshots.length - 1]!.at)}.
          </p>
        </div>
      )}
      <h2>Par objectif</h2>
      <Table
        headers={['Objectif', 'Statut', 'Score', 'Seuil', 'Ce qui bloque']}
        data={score.objectives.map((o) => [
          `${o.id} — ${objectiveTitle.get(o.id) ?? ''}`,
          <Badge key="s" small severity={OBJECTIVE_STATUS[o.status].severity}>
            {OBJECTIVE_STATUS[o.status].label}
          </Badge>,
          percent(o.score),
          percent(o.threshold),
          [
            o.blockers.belowThreshold ? 'sous le seuil' : '',
            o.blockers.mandatoryUnmet.length
              ? `obligatoire(s) non atteinte(s) : ${o.blockers.mandatoryUnmet.join(', ')}`
              : '',
            o.blockers.dependencies.length ? `prérequis : ${o.blockers.dependencies.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join(' ; ') || '—',
        ])}
      />
    </>
  );
}
