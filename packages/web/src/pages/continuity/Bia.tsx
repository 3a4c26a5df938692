import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import { api, messageOf } from '../../api.js';
import { useAuth } from '../../auth.js';
import { ColumnTable } from '../../components/ColumnTable.js';
import { TextAreaField, TextField } from '../../components/Fields.js';
import { Loading } from '../../components/Loading.js';
import { PageError } from '../../components/PageError.js';
import { ActionNotice, useAction } from '../../components/useAction.js';
import {
  ACTIVITY_KIND_LABELS,
  type Activity,
  continuityApi,
  continuityPage,
  formatHours,
  IMPACT_LEVELS,
  type ImpactStep,
  PrioritySelect,
  parseNumber,
  putJson,
  useGraph,
} from './shared.js';

/** Business impact analysis: the critical activities of the establishment. */
export const ContinuityBiaPage = continuityPage('Analyse d’impact (BIA)', '', Bia);

function Bia({ id }: { id: number }) {
  const graph = useGraph(id);
  const [editing, setEditing] = useState<Activity | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (graph.error) return <PageError error={graph.error} />;
  if (!graph.data) return <Loading />;
  const activities = graph.data.activities;
  const remove = async (a: Activity) => {
    if (!window.confirm(`Supprimer l’activité « ${a.name} » et ses dépendances ?`)) return;
    try {
      await api.delete(continuityApi(id, `activities/${encodeURIComponent(a.id)}`));
      setNotice(`Activité « ${a.name} » supprimée.`);
      graph.reload();
    } catch (error) {
      setNotice(messageOf(error));
    }
  };
  return (
    <>
      {notice && <Alert severity="info" small description={notice} className="fr-mb-2w" closable={false} />}
      <h2>Activités critiques</h2>
      {activities.length === 0 ? (
        <p>Aucune activité critique décrite pour l’instant.</p>
      ) : (
        <ColumnTable
          caption="Activités critiques"
          captionHidden
          testId="bia-activities"
          headers={[
            'Activité',
            'Priorité',
            'DMIA',
            'RTO',
            'RPO',
            'Responsable',
            'Impacts dans le temps',
            'Mode dégradé',
            'Actions',
          ]}
        >
          {activities.map((a) => (
            <tr key={a.id}>
              <td>
                <strong>{a.name}</strong>
                <br />
                <span className="fr-text--xs">
                  {ACTIVITY_KIND_LABELS[a.kind]} · {a.id}
                </span>
              </td>
              <td>
                <Badge small severity={a.priority <= 2 ? 'error' : a.priority === 3 ? 'warning' : 'info'}>
                  P{a.priority}
                </Badge>
              </td>
              <td>{formatHours(a.mtdHours)}</td>
              <td>{formatHours(a.rtoHours)}</td>
              <td>{formatHours(a.rpoHours)}</td>
              <td>{a.owner}</td>
              <td>
                {a.impacts.length === 0
                  ? '—'
                  : a.impacts.map((s) => (
                      <div key={`${s.afterHours}-${s.level}`} className="fr-text--xs fr-mb-0">
                        après {formatHours(s.afterHours)} : {IMPACT_LEVELS[s.level]}
                        {s.description ? ` — ${s.description}` : ''}
                      </div>
                    ))}
              </td>
              <td className="fr-text--xs">
                {a.degradedModeProcedure ? a.degradedModeProcedure.slice(0, 160) : <em>non décrit</em>}
                {a.degradedModeProcedure.length > 160 ? '…' : ''}
              </td>
              <td>
                <Button size="small" priority="secondary" onClick={() => setEditing(a)}>
                  Modifier
                </Button>{' '}
                <Button size="small" priority="tertiary" onClick={() => remove(a)}>
                  Supprimer
                </Button>
              </td>
            </tr>
          ))}
        </ColumnTable>
      )}
      {editing === null ? (
        <Button iconId="fr-icon-add-line" onClick={() => setEditing('new')}>
          Ajouter une activité critique
        </Button>
      ) : (
        <ActivityForm
          key={editing === 'new' ? 'new' : editing.id}
          id={id}
          initial={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) {
              setNotice(`Activité « ${saved} » enregistrée.`);
              graph.reload();
            }
          }}
        />
      )}
    </>
  );
}

const impactsToText = (impacts: ImpactStep[]) =>
  impacts.map((s) => `${s.afterHours};${s.level};${s.description ?? ''}`).join('\n');

/** Parses "hours;level;description" lines; throws a French message naming the bad line. */
function parseImpacts(text: string): ImpactStep[] {
  const steps: ImpactStep[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const [hours = '', level = '', ...rest] = line.split(';');
    const afterHours = parseNumber(hours);
    const lvl = parseNumber(level);
    if (!Number.isFinite(afterHours) || afterHours < 0) {
      throw new Error(`impacts, ligne ${i + 1} : durée invalide « ${hours.slice(0, 40)} »`);
    }
    if (!Number.isInteger(lvl) || lvl < 1 || lvl > 4) {
      throw new Error(`impacts, ligne ${i + 1} : niveau attendu entre 1 et 4`);
    }
    const description = rest.join(';').trim();
    steps.push({ afterHours, level: lvl, ...(description ? { description } : {}) });
  });
  return steps;
}

/** The duration fields of an activity, in hours: form key, label, hint. */
const HOURS = [
  ['resumption', 'Délai de reprise du service (h)', undefined],
  ['mtd', 'DMIA (h)', 'durée maximale d’interruption admissible'],
  ['rto', 'RTO (h)', 'objectif de délai de reprise'],
  ['rpo', 'RPO (h)', 'perte de données maximale admissible'],
] as const;

function ActivityForm({
  id,
  initial,
  onDone,
}: {
  id: number;
  initial: Activity | null;
  onDone: (savedName: string | null) => void;
}) {
  const { me } = useAuth();
  const [f, setF] = useState({
    key: initial?.id ?? '',
    name: initial?.name ?? '',
    kind: initial?.kind ?? 'care_service',
    owner: initial?.owner ?? '',
    priority: String(initial?.priority ?? 1),
    mtd: String(initial?.mtdHours ?? ''),
    rto: String(initial?.rtoHours ?? ''),
    rpo: String(initial?.rpoHours ?? ''),
    resumption: String(initial?.resumptionHours ?? 0),
    impacts: impactsToText(initial?.impacts ?? []),
    procedure: initial?.degradedModeProcedure ?? '',
  });
  const action = useAction();
  const set = (k: keyof typeof f) => (value: string) => setF({ ...f, [k]: value });

  const submit = action.submit(async () => {
    const hours: Record<string, number> = {};
    for (const [field, label, value] of [
      ['mtdHours', 'DMIA', f.mtd],
      ['rtoHours', 'RTO', f.rto],
      ['rpoHours', 'RPO', f.rpo],
      ['resumptionHours', 'délai de reprise', f.resumption],
    ] as const) {
      const n = parseNumber(value);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${label} : nombre d’heures positif attendu`);
      hours[field] = n;
    }
    if (hours.rtoHours! > hours.mtdHours!) throw new Error('le RTO ne peut pas dépasser la DMIA');
    const body = {
      name: f.name.trim(),
      kind: f.kind,
      owner: f.owner.trim(),
      priority: Number(f.priority),
      ...hours,
      impacts: parseImpacts(f.impacts),
      degradedModeProcedure: f.procedure,
    };
    await putJson(continuityApi(id, `activities/${encodeURIComponent(f.key.trim())}`), body, me?.csrfToken);
    onDone(body.name);
    return null;
  });

  return (
    <form onSubmit={submit} className="fr-mt-4w" aria-label="Activité critique">
      <h2>{initial ? `Modifier « ${initial.name} »` : 'Nouvelle activité critique'}</h2>
      <ActionNotice action={action} />
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-4">
          <TextField
            label="Identifiant"
            hintText="lettres, chiffres, _ . : @ / -"
            disabled={initial !== null}
            value={f.key}
            onChange={set('key')}
            required
          />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <TextField label="Nom de l’activité" value={f.name} onChange={set('name')} required />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Type d’activité"
            nativeSelectProps={{ value: f.kind, onChange: (e) => set('kind')(e.target.value) }}
          >
            {Object.entries(ACTIVITY_KIND_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <TextField label="Responsable" value={f.owner} onChange={set('owner')} required />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <PrioritySelect label="Priorité" value={f.priority} onChange={set('priority')} explained />
        </div>
        {HOURS.map(([k, label, hintText]) => (
          <div key={k} className="fr-col-12 fr-col-md-4">
            <TextField
              label={label}
              hintText={hintText}
              value={f[k]}
              onChange={set(k)}
              inputMode="decimal"
              required={k !== 'resumption'}
            />
          </div>
        ))}
        <div className="fr-col-12">
          <TextAreaField
            label="Impacts dans le temps"
            hintText="une ligne par palier : heures;niveau (1 faible, 2 modéré, 3 grave, 4 critique);description"
            value={f.impacts}
            onChange={set('impacts')}
            rows={3}
          />
        </div>
        <div className="fr-col-12">
          <TextAreaField
            label="Procédure en mode dégradé"
            hintText="ce que fait le service sur papier pendant l’indisponibilité du système d’information"
            value={f.procedure}
            onChange={set('procedure')}
            rows={5}
          />
        </div>
      </div>
      <ul className="fr-btns-group fr-btns-group--inline fr-mt-2w">
        <li>
          <Button type="submit" disabled={action.busy}>
            Enregistrer l’activité
          </Button>
        </li>
        <li>
          <Button type="button" priority="secondary" onClick={() => onDone(null)}>
            Annuler
          </Button>
        </li>
      </ul>
    </form>
  );
}
