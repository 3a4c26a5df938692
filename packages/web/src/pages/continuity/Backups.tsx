import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import { api, apiUrl } from '../../api.js';
import { useAuth } from '../../auth.js';
import { ColumnTable } from '../../components/ColumnTable.js';
import { TextAreaField, TextField } from '../../components/Fields.js';
import { Loading } from '../../components/Loading.js';
import { PageError } from '../../components/PageError.js';
import { ActionNotice, useAction } from '../../components/useAction.js';
import { useLoad } from '../../components/useLoad.js';
import { continuityApi, continuityPage, putJson } from './shared.js';

interface DatasetItem {
  id: string;
  name: string;
  productionSite: string;
  copies: Array<{ id: string; media: string; site: string; offline: boolean; immutable: boolean; encrypted: boolean }>;
  lastSuccessfulBackupAt?: string;
  lastRestoreTest?: { date: string; success: boolean; scope: string };
  rule: {
    compliant: boolean;
    meets321: boolean;
    checks: Array<{ rule: string; ok: boolean; reason: string }>;
  };
}
interface ExerciseItem {
  id: string;
  title: string;
  kind: string;
  scenario: string;
  date: string;
  participants: Array<{ name: string; role: string }>;
  findings: string[];
  actions?: Array<{ title?: string } | string>;
  proofs: Array<{ objective: string; proven: boolean; reasons: string[] }>;
}
interface Indicator {
  id: string;
  title: string;
  status: 'met' | 'partially_met' | 'not_met' | 'no_data';
  value: string;
  threshold: string;
  reasons: string[];
  evidence: Array<{ source: string; id: string; label: string; date?: string }>;
  referential: string;
}

const EXERCISE_KINDS: Record<string, string> = {
  crisis_tabletop: 'Exercice de crise sur table',
  crisis_simulation: 'Simulation de crise',
  pca_field_test: 'Test terrain de PCA',
  restore_test: 'Test de restauration',
};
const RULES: Record<string, string> = {
  '3_copies': '3 copies',
  '2_media': '2 supports',
  '1_offsite': '1 hors site',
  '1_offline_or_immutable': '1 hors ligne ou immuable',
  '0_errors': '0 erreur',
};
const INDICATOR_STATUS: Record<
  Indicator['status'],
  { label: string; severity: 'success' | 'warning' | 'error' | 'info' }
> = {
  met: { label: 'Atteint', severity: 'success' },
  partially_met: { label: 'Partiellement atteint', severity: 'warning' },
  not_met: { label: 'Non atteint', severity: 'error' },
  no_data: { label: 'Pas de donnée', severity: 'info' },
};
const SOURCES: Record<string, string> = {
  document: 'document',
  exercise: 'exercice',
  dataset: 'jeu de données',
  bia: 'BIA',
  backup_infrastructure: 'infrastructure de sauvegarde',
};

/** Backups (3-2-1-1-0 per dataset), exercises, D2 indicators and the crisis binder. */
export const ContinuityBackupsPage = continuityPage('Sauvegardes, exercices et indicateurs', 'sauvegardes', Backups);

function Backups({ id }: { id: number }) {
  const datasets = useLoad(() => api.get<{ items: DatasetItem[] }>(continuityApi(id, 'datasets')), [id]);
  const exercises = useLoad(() => api.get<{ items: ExerciseItem[] }>(continuityApi(id, 'exercises')), [id]);
  const indicators = useLoad(() => api.get<{ items: Indicator[] }>(continuityApi(id, 'indicators')), [id]);
  const failure = datasets.error ?? exercises.error ?? indicators.error;
  if (failure) return <PageError error={failure} />;
  if (!datasets.data || !exercises.data || !indicators.data) return <Loading />;
  return (
    <>
      <div className="fr-download fr-mb-4w">
        <p>
          <a
            className="fr-download__link"
            href={apiUrl(continuityApi(id, 'binder.pdf'))}
            download="classeur-de-crise.pdf"
          >
            Télécharger le classeur de crise (PDF)
            <span className="fr-download__detail">
              À imprimer et à conserver hors ligne : cellule de crise, ordre de reprise, modes dégradés, isolement
            </span>
          </a>
        </p>
      </div>

      <h2>Indicateurs D2</h2>
      <p className="fr-text--sm">
        Calculés à partir des données de ce module ; ils pré-remplissent l’auto-évaluation CaRE (réponses pré-remplies
        signalées comme telles, avec leur source).
      </p>
      <ColumnTable
        caption="Indicateurs D2"
        captionHidden
        testId="d2-indicators"
        headers={['Indicateur', 'Statut', 'Valeur et seuil', 'Preuves et motifs']}
      >
        {indicators.data.items.map((i) => (
          <tr key={i.id}>
            <td>
              <strong>{i.id}</strong> {i.title}
            </td>
            <td>
              <Badge small severity={INDICATOR_STATUS[i.status].severity}>
                {INDICATOR_STATUS[i.status].label}
              </Badge>
            </td>
            <td className="fr-text--xs">
              {i.value}
              <br />
              seuil : {i.threshold}
            </td>
            <td className="fr-text--xs">
              {i.evidence.map((e) => (
                <div key={`${e.source}-${e.id}`}>
                  Source : {SOURCES[e.source] ?? e.source} « {e.label} »{e.date ? ` (${e.date})` : ''}
                </div>
              ))}
              {i.reasons.map((r) => (
                <div key={r}>• {r}</div>
              ))}
            </td>
          </tr>
        ))}
      </ColumnTable>

      <h2>Sauvegardes (règle 3-2-1-1-0)</h2>
      {datasets.data.items.length === 0 ? (
        <p>Aucun jeu de données déclaré.</p>
      ) : (
        datasets.data.items.map((d) => (
          <div key={d.id} className="fr-card fr-card--no-arrow fr-mb-2w" data-testid="dataset">
            <div className="fr-card__body">
              <div className="fr-card__content">
                <h3 className="fr-card__title">
                  {d.name}{' '}
                  <Badge small severity={d.rule.compliant ? 'success' : 'error'}>
                    {d.rule.compliant ? '3-2-1-1-0 respectée' : '3-2-1-1-0 non respectée'}
                  </Badge>
                </h3>
                <div className="fr-card__desc">
                  <p className="fr-text--sm">
                    Production : {d.productionSite} · {d.copies.length} copie(s) · dernière sauvegarde réussie :{' '}
                    {d.lastSuccessfulBackupAt ?? 'inconnue'} · dernier test de restauration :{' '}
                    {d.lastRestoreTest
                      ? `${d.lastRestoreTest.date} (${d.lastRestoreTest.success ? 'réussi' : 'échoué'})`
                      : 'aucun'}
                  </p>
                  <ul className="fr-text--sm">
                    {d.rule.checks.map((c) => (
                      <li key={c.rule}>
                        {c.ok ? '✔' : '✘'} {RULES[c.rule] ?? c.rule} : {c.reason}
                      </li>
                    ))}
                  </ul>
                </div>
              </div>
            </div>
          </div>
        ))
      )}

      <h2>Exercices</h2>
      {exercises.data.items.length === 0 ? (
        <Alert
          severity="info"
          small
          closable={false}
          description="Aucun exercice enregistré : un test terrain de PCA (D2.O1.D) et un test de restauration (D2.O4) sont attendus."
        />
      ) : (
        <ColumnTable
          caption="Exercices"
          captionHidden
          headers={['Exercice', 'Date', 'Participants', 'Constats', 'Objectifs prouvés']}
        >
          {exercises.data.items.map((e) => (
            <tr key={e.id}>
              <td>
                <strong>{e.title}</strong>
                <br />
                <span className="fr-text--xs">
                  {EXERCISE_KINDS[e.kind] ?? e.kind} — {e.scenario.slice(0, 200)}
                </span>
              </td>
              <td>{e.date}</td>
              <td>{e.participants.length}</td>
              <td className="fr-text--xs">{e.findings.slice(0, 5).join(' · ') || '—'}</td>
              <td>
                {e.proofs.map((p) => (
                  <div key={p.objective}>
                    <Badge small severity={p.proven ? 'success' : 'warning'}>
                      {p.objective} {p.proven ? 'prouvé' : 'non prouvé'}
                    </Badge>
                    {!p.proven && <div className="fr-text--xs">{p.reasons.join(' ; ')}</div>}
                  </div>
                ))}
              </td>
            </tr>
          ))}
        </ColumnTable>
      )}
      <RecordEditor
        id={id}
        onSaved={() => {
          datasets.reload();
          exercises.reload();
          indicators.reload();
        }}
      />
    </>
  );
}

/** Records saved as JSON documents: keyed ones (datasets, exercises, documents) and single ones. */
const RECORDS: Record<string, { label: string; keyed: boolean }> = {
  datasets: { label: 'Jeu de données sauvegardé', keyed: true },
  exercises: { label: 'Exercice', keyed: true },
  documents: { label: 'Document (PCA, PRA, procédure…)', keyed: true },
  'backup-infrastructure': { label: 'Infrastructure de sauvegarde (D2.O3.A)', keyed: false },
  contacts: { label: 'Cellule de crise et contacts (classeur)', keyed: false },
  entities: { label: 'Entités du GHT (règle des 66 %)', keyed: false },
};

function RecordEditor({ id, onSaved }: { id: number; onSaved: () => void }) {
  const { me } = useAuth();
  const [kind, setKind] = useState('datasets');
  const [key, setKey] = useState('');
  const [text, setText] = useState('');
  const action = useAction();
  const keyed = RECORDS[kind]?.keyed ?? true;
  const submit = action.submit(async () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new Error(`JSON illisible : ${error instanceof Error ? error.message : 'erreur'}`);
    }
    const path = keyed ? `${kind}/${encodeURIComponent(key.trim())}` : kind;
    await putJson(continuityApi(id, path), body, me?.csrfToken);
    onSaved();
    return `${RECORDS[kind]?.label ?? kind} enregistré.`;
  });
  return (
    <form onSubmit={submit} className="fr-mt-6w" aria-label="Enregistrement JSON">
      <h2>Saisir ou remplacer un enregistrement (JSON)</h2>
      <p className="fr-text--sm">
        Le format est celui de l’export et de l’API ; le serveur vérifie chaque champ et nomme celui qui est en erreur.
      </p>
      <ActionNotice action={action} />
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-6">
          <Select
            label="Type d’enregistrement"
            nativeSelectProps={{ value: kind, onChange: (e) => setKind(e.target.value) }}
          >
            {Object.entries(RECORDS).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </Select>
        </div>
        {keyed && (
          <div className="fr-col-12 fr-col-md-6">
            <TextField label="Identifiant de l’enregistrement" value={key} onChange={setKey} required />
          </div>
        )}
      </div>
      <TextAreaField label="Contenu JSON" value={text} rows={10} onChange={setText} required />
      <Button type="submit">Enregistrer</Button>
    </form>
  );
}
