import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { useState } from 'react';
import { Bar } from 'react-chartjs-2';
import { Link } from 'react-router-dom';
import { api, apiUrl } from '../../api.js';
import {
  ASSESSMENT_STATUS_LABELS,
  ASSESSMENT_STATUS_SEVERITY,
  type AssessmentStatus,
  OBJECTIVE_STATUS,
  type ObjectiveStatus,
  percent,
  type Referential,
} from '../../components/care/care.js';
import { Loading } from '../../components/Loading.js';
import { NodeBreadcrumb, useNodeId } from '../../components/NodeScope.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import { CATEGORIES, CATEGORY_LABELS, formatDate } from '../../labels.js';
import type { EstablishmentCategory, OrganisationDetail } from '../../types.js';
import { AccessDeniedPage } from '../AccessDenied.js';

ChartJS.register(CategoryScale, LinearScale, BarElement, Tooltip);

const DEPARTMENT = /^(\d{2,3}|2[AB])$/;

/** `GET /organisations/:id/dashboard` as the page reads it. */
interface DashboardItem {
  organisationId: number;
  name: string;
  kind: string;
  category: string | null;
  department: string | null;
  regionCode: string | null;
  status: AssessmentStatus | 'none';
  score: number | null;
  objectivesReached: number | null;
  objectivesApplicable: number | null;
  snapshotAt: string | null;
  /** The group whose file answers for this establishment (it has none of its own). */
  coveredBy: { organisationId: number; name: string } | null;
  objectives: Record<string, ObjectiveStatus>;
}
interface Dashboard {
  referential: { id: string; version: number | null };
  counts: { organisations: number; assessed: number; covered: number; submitted: number; signed: number };
  objectives: Array<{ id: string; title: string; reached: number; applicable: number; share: number | null }>;
  items: DashboardItem[];
}

/** The CaRE dashboard of a node: every establishment of its subtree, laggards first, status per objective. */
export function DashboardPage() {
  const scope = useNodeId('tableau-de-bord');
  if ('redirect' in scope) return scope.redirect;
  if ('invalid' in scope) return <AccessDeniedPage reason="not_found" />;
  return <DashboardOf key={scope.id} id={scope.id} />;
}

function DashboardOf({ id }: { id: number }) {
  const [category, setCategory] = useState('');
  const [department, setDepartment] = useState('');
  const validDepartment = DEPARTMENT.test(department) ? department : '';
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  const dashboard = useLoad(
    () => api.get<Dashboard>(`/organisations/${id}/dashboard`, { category, department: validDepartment }),
    [id, category, validDepartment],
  );
  const version = dashboard.data?.referential.version ?? null;
  // The grid has a column for every objective of the newest referential, reached by someone or not.
  const referential = useLoad(
    () => (version === null ? Promise.resolve(null) : api.get<Referential>(`/referentials/care/versions/${version}`)),
    [version],
  );
  const failure = node.error ?? dashboard.error;
  if (failure) return <PageError error={failure} />;
  if (!node.data || !dashboard.data) return <Loading />;
  const data = dashboard.data;
  const columns =
    referential.data?.axes.flatMap((a) => a.objectives.map((o) => ({ id: o.id, title: o.title }))) ??
    data.objectives.map((o) => ({ id: o.id, title: o.title }));
  const ids = columns.map((o) => o.id);
  const nation = node.data.kind === 'nation';

  return (
    <>
      <NodeBreadcrumb node={node.data} page="Tableau de bord CaRE" />
      <h1>Tableau de bord CaRE — {node.data.name}</h1>
      <p data-testid="dashboard-counts">
        {data.counts.organisations} établissement(s) : {data.counts.assessed} avec une auto-évaluation,{' '}
        {data.counts.submitted} soumise(s), {data.counts.signed} signée(s) par la direction
        {data.counts.covered > 0
          ? ` ; ${data.counts.covered} couvert(s) par le dossier de leur entité juridique ou de leur groupement`
          : ''}
        .
      </p>
      <p className="fr-text--xs">
        Ce tableau de bord montre les statuts et les scores ; les réponses, commentaires et preuves restent à
        l’établissement.
      </p>
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom fr-mb-2w">
        <div className="fr-col-12 fr-col-md-4 fr-select-group">
          <label className="fr-label" htmlFor="dashboard-category">
            Catégorie
          </label>
          <select
            className="fr-select"
            id="dashboard-category"
            value={category}
            onChange={(e) => setCategory(e.currentTarget.value)}
          >
            <option value="">Toutes</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="fr-col-12 fr-col-md-3 fr-input-group">
          <label className="fr-label" htmlFor="dashboard-department">
            Département (ex. 69, 2A)
          </label>
          <input
            className="fr-input"
            id="dashboard-department"
            value={department}
            maxLength={3}
            onChange={(e) => setDepartment(e.currentTarget.value.toUpperCase())}
          />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          {/* The server's export: every establishment of the subtree with the same filters, not only this page. */}
          <a
            className="fr-btn fr-btn--secondary fr-btn--icon-left fr-icon-download-line"
            href={apiUrl(`/organisations/${id}/dashboard.csv`, { category, department: validDepartment })}
            download
          >
            Exporter en CSV
          </a>
        </div>
      </div>
      {nation || data.objectives.length > 0 ? (
        <section className="fr-mb-4w">
          <h2>Part des établissements ayant atteint chaque objectif</h2>
          {data.objectives.length === 0 ? (
            <p>Aucune auto-évaluation soumise dans ce périmètre.</p>
          ) : (
            <div className="fr-col-12 fr-col-md-10" data-testid="objective-shares">
              <Bar
                aria-label="Part des établissements ayant atteint chaque objectif"
                data={{
                  labels: data.objectives.map((o) => o.id),
                  datasets: [
                    {
                      label: 'Objectif atteint (%)',
                      data: data.objectives.map((o) => (o.share === null ? null : Math.round(o.share * 1000) / 10)),
                      backgroundColor: '#000091',
                    },
                  ],
                }}
                options={{
                  animation: false,
                  scales: { y: { min: 0, max: 100 } },
                  plugins: {
                    tooltip: {
                      callbacks: {
                        title: (items) => {
                          const o = data.objectives[items[0]?.dataIndex ?? 0];
                          return o ? `${o.id} — ${o.title}` : '';
                        },
                        label: (item) => {
                          const o = data.objectives[item.dataIndex];
                          return o ? `${percent(o.share)} (${o.reached} / ${o.applicable})` : '';
                        },
                      },
                    },
                  },
                }}
              />
            </div>
          )}
        </section>
      ) : null}
      <h2>Établissements (les plus en retard d’abord)</h2>
      {data.items.length < data.counts.organisations ? (
        <p className="fr-text--sm">
          Les {data.items.length} premiers sur {data.counts.organisations} sont affichés : filtrez par catégorie ou
          département pour voir les autres.
        </p>
      ) : null}
      <div className="fr-table fr-table--bordered fr-table--no-caption">
        <div className="fr-table__wrapper">
          <div className="fr-table__container">
            <div className="fr-table__content">
              <table data-testid="dashboard-grid">
                <caption>Statut par objectif de chaque établissement</caption>
                <thead>
                  <tr>
                    <th scope="col">Établissement</th>
                    <th scope="col">Statut</th>
                    <th scope="col">Score</th>
                    <th scope="col">Objectifs</th>
                    {ids.map((o) => (
                      <th scope="col" key={o} title={columns.find((x) => x.id === o)?.title}>
                        {o}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((i) => (
                    <tr key={i.organisationId} data-testid={`dashboard-row-${i.organisationId}`}>
                      <th scope="row">
                        <Link to={`/organisations/${i.organisationId}/care`}>{i.name}</Link>
                        <br />
                        <span className="fr-text--xs">
                          {[
                            i.category ? CATEGORY_LABELS[i.category as EstablishmentCategory] : null,
                            i.department ? `dép. ${i.department}` : null,
                            i.snapshotAt ? `soumise le ${formatDate(i.snapshotAt)}` : null,
                            i.coveredBy ? `via le dossier de ${i.coveredBy.name}` : null,
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </span>
                      </th>
                      <td>
                        <Badge small severity={ASSESSMENT_STATUS_SEVERITY[i.status]}>
                          {ASSESSMENT_STATUS_LABELS[i.status]}
                        </Badge>
                      </td>
                      <td>{percent(i.score)}</td>
                      <td>
                        {i.objectivesReached === null ? '—' : `${i.objectivesReached} / ${i.objectivesApplicable}`}
                      </td>
                      {ids.map((o) => {
                        const s = i.objectives[o];
                        return (
                          <td key={o}>
                            {s ? (
                              <span title={`${o} : ${OBJECTIVE_STATUS[s].label}`}>
                                <Badge small noIcon severity={OBJECTIVE_STATUS[s].severity}>
                                  {OBJECTIVE_STATUS[s].short}
                                </Badge>
                              </span>
                            ) : (
                              '·'
                            )}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      </div>
      <p className="fr-text--xs">
        Légende :{' '}
        <Badge small noIcon severity="success">
          A
        </Badge>{' '}
        atteint ·{' '}
        <Badge small noIcon severity="error">
          N
        </Badge>{' '}
        non atteint ·{' '}
        <Badge small noIcon severity="info">
          —
        </Badge>{' '}
        non applicable · « · » pas d’auto-évaluation soumise.
      </p>
    </>
  );
}
