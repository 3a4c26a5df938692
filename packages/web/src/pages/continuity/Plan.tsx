import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useMemo, useState } from 'react';
import { api } from '../../api.js';
import { ColumnTable } from '../../components/ColumnTable.js';
import { TextField } from '../../components/Fields.js';
import { Loading } from '../../components/Loading.js';
import { PageError } from '../../components/PageError.js';
import { ActionNotice, useAction } from '../../components/useAction.js';
import { useLoad } from '../../components/useLoad.js';
import { nodeNames } from './Graph.js';
import {
  type ActivityRecovery,
  COMPONENT_KIND_LABELS,
  continuityApi,
  continuityPage,
  formatHours,
  type Graph,
  type LossSimulation,
  type RestorePlan,
  useGraph,
} from './shared.js';

/** The computed restore plan and the "what if" simulation. */
export const ContinuityPlanPage = continuityPage('Plan de reprise', 'plan', Plan);

const STATUS: Record<
  ActivityRecovery['status'],
  { label: string; severity: 'success' | 'error' | 'warning' | 'info' }
> = {
  not_impacted: { label: 'Non impactée', severity: 'info' },
  within_rto: { label: 'OK : dans le RTO', severity: 'success' },
  exceeds_rto: { label: 'KO : RTO dépassé', severity: 'warning' },
  exceeds_mtd: { label: 'KO : DMIA dépassée', severity: 'error' },
  blocked_by_cycle: { label: 'KO : bloquée par un cycle', severity: 'error' },
};

function Plan({ id }: { id: number }) {
  const [teams, setTeams] = useState('');
  const teamCount = /^\d{1,4}$/.test(teams) && Number(teams) >= 1 ? Number(teams) : undefined;
  const graph = useGraph(id);
  const plan = useLoad(() => api.get<RestorePlan>(continuityApi(id, 'plan'), { teams: teamCount }), [id, teamCount]);
  const failure = graph.error ?? plan.error;
  if (failure) return <PageError error={failure} />;
  if (!graph.data || !plan.data) return <Loading />;
  return (
    <>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          <TextField
            label="Équipes de restauration en parallèle"
            hintText="vide : sans limite"
            value={teams}
            inputMode="numeric"
            onChange={setTeams}
          />
        </div>
      </div>
      <PlanView graph={graph.data} plan={plan.data} testId="restore-plan" />
      <WhatIf id={id} graph={graph.data} teams={teamCount} />
    </>
  );
}

function PlanView({ graph, plan, testId }: { graph: Graph; plan: RestorePlan; testId: string }) {
  const names = useMemo(() => nodeNames(graph), [graph]);
  const kinds = useMemo(() => new Map(graph.components.map((c) => [c.id, c.kind])), [graph]);
  const schedule = new Map(plan.components.map((c) => [c.id, c]));
  const activities = plan.activities
    .filter((a) => a.impacted)
    .sort((a, b) => (a.recoveryHours ?? Number.POSITIVE_INFINITY) - (b.recoveryHours ?? Number.POSITIVE_INFINITY));
  return (
    <div data-testid={testId}>
      <p>
        Reprise complète des activités impactées :{' '}
        <strong>
          {plan.totalRecoveryHours === null ? 'impossible (cycle)' : formatHours(plan.totalRecoveryHours)}
        </strong>
        {plan.teams ? ` avec ${plan.teams} équipe(s)` : ' sans limite d’équipes'}.
      </p>
      {plan.warnings.length > 0 && (
        <div data-testid="plan-warnings" className="fr-mb-3w">
          {plan.warnings.slice(0, 100).map((w) => (
            <Alert
              key={`${w.code}:${w.nodes.join(',')}:${w.message}`}
              severity={w.severity === 'error' ? 'error' : 'warning'}
              small
              closable={false}
              className="fr-mb-1w"
              description={w.message}
            />
          ))}
          {plan.warnings.length > 100 && <p>… et {plan.warnings.length - 100} autre(s) avertissement(s)</p>}
        </div>
      )}
      <h2>Ordre de reprise</h2>
      <ol data-testid="restore-order">
        {plan.order.map((c) => {
          const s = schedule.get(c);
          return (
            <li key={c}>
              <strong>{names.get(c) ?? c}</strong> ({COMPONENT_KIND_LABELS[kinds.get(c) ?? ''] ?? 'composant'}) — vague
              P{s?.effectivePriority ?? '?'}, étape {s?.step ?? '—'}, de {formatHours(s?.startHours)} à{' '}
              {formatHours(s?.finishHours)}
            </li>
          );
        })}
        {activities.map((a) => (
          <li key={a.id}>
            <strong>Activité : {a.name}</strong> — reprise à {formatHours(a.recoveryHours)}
          </li>
        ))}
      </ol>
      <h2>Reprise des activités</h2>
      <ActivityTable activities={plan.activities} />
      <h2>Chemin critique</h2>
      {plan.criticalPath.length === 0 ? (
        <p>Aucun.</p>
      ) : (
        <p data-testid="critical-path">
          {plan.criticalPath
            .map((s) => `${names.get(s.id) ?? s.id} (${formatHours(s.startHours)} → ${formatHours(s.finishHours)})`)
            .join(' → ')}
        </p>
      )}
    </div>
  );
}

function ActivityTable({ activities }: { activities: ActivityRecovery[] }) {
  if (activities.length === 0) return <p>Aucune activité.</p>;
  return (
    <ColumnTable
      caption="Reprise des activités"
      captionHidden
      headers={['Activité', 'Reprise au plus tôt', 'RTO', 'DMIA', 'Statut', 'Attend']}
    >
      {activities.map((a) => (
        <tr key={a.id}>
          <td>
            {a.name} (P{a.priority})
          </td>
          <td>{a.impacted ? formatHours(a.recoveryHours) : '—'}</td>
          <td>{formatHours(a.rtoHours)}</td>
          <td>{formatHours(a.mtdHours)}</td>
          <td>
            <Badge small severity={STATUS[a.status].severity}>
              {STATUS[a.status].label}
            </Badge>
          </td>
          <td>{a.lastDependency ?? '—'}</td>
        </tr>
      ))}
    </ColumnTable>
  );
}

function WhatIf({ id, graph, teams }: { id: number; graph: Graph; teams: number | undefined }) {
  const [lost, setLost] = useState<Set<string>>(new Set());
  const action = useAction<LossSimulation>();
  const result = action.done;
  const toggle = (c: string) => {
    const next = new Set(lost);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    setLost(next);
  };
  const simulate = action.submit(async () => {
    if (lost.size === 0) throw new Error('choisissez au moins un composant perdu');
    return await api.post<LossSimulation>(continuityApi(id, 'what-if'), {
      lost: [...lost],
      ...(teams ? { teams } : {}),
    });
  });
  return (
    <section className="fr-mt-6w" aria-label="Simulation">
      <h2>Et si… ?</h2>
      <p>Choisissez les composants perdus (par exemple l’Active Directory et le cluster d’hyperviseurs).</p>
      <form onSubmit={simulate}>
        <fieldset className="fr-fieldset">
          <legend className="fr-fieldset__legend fr-text--regular">Composants perdus</legend>
          {graph.components.map((c) => (
            <div key={c.id} className="fr-fieldset__element fr-fieldset__element--inline">
              <div className="fr-checkbox-group fr-checkbox-group--sm">
                <input type="checkbox" id={`lost-${c.id}`} checked={lost.has(c.id)} onChange={() => toggle(c.id)} />
                <label className="fr-label" htmlFor={`lost-${c.id}`}>
                  {c.name}
                </label>
              </div>
            </div>
          ))}
        </fieldset>
        <Button type="submit">Simuler la perte</Button>
      </form>
      <ActionNotice action={action} className="fr-mt-2w" />
      {result && (
        <div className="fr-mt-3w" data-testid="what-if-result">
          <h3>Activités impactées</h3>
          {result.impactedActivities.length === 0 ? (
            <p>Aucune activité impactée.</p>
          ) : (
            <ActivityTable activities={result.impactedActivities} />
          )}
          <p>
            Composants à restaurer : {result.impactedComponents.length} · reprise complète :{' '}
            {result.plan.totalRecoveryHours === null
              ? 'impossible (cycle)'
              : formatHours(result.plan.totalRecoveryHours)}
          </p>
        </div>
      )}
    </section>
  );
}
