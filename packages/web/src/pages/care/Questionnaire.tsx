import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons';
import { type ReactNode, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api } from '../../api.js';
import { useAuth } from '../../auth.js';
import {
  type Answer,
  ASSESSMENT_STATUS_LABELS,
  ASSESSMENT_STATUS_SEVERITY,
  type AssessmentWithAnswers,
  applicable,
  type Referential,
  type Requirement,
  type StoredAnswer,
} from '../../components/care/care.js';
import { type Evidence, EvidencePanel } from '../../components/care/EvidencePanel.js';
import { type ObjectiveOwner, ObjectiveOwnerLine, type OwnerCandidate } from '../../components/care/ObjectiveOwner.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Loading } from '../../components/Loading.js';
import { PageError } from '../../components/PageError.js';
import { useLoad } from '../../components/useLoad.js';
import { formatDateTime } from '../../labels.js';
import { AccessDeniedPage } from '../AccessDenied.js';

/** A pre-fill's source as the server keeps it: indicator, result, date, and who confirmed it. */
interface PrefillSource {
  tool: string;
  indicator: string;
  value: boolean | number | string;
  observedAt: string;
  reference?: string;
  confirmedBy?: { id: number; name: string };
  confirmedAt?: string;
}
type TracedAnswer = StoredAnswer & {
  source?: PrefillSource;
  replacedPrefill?: { answer: Answer | null; source: PrefillSource; replacedAt: string; replacedBy: number | null };
};

function describeAnswer(answer: Answer | null, levels: Array<{ id: string; label: string }>): string {
  if (!answer) return 'aucune réponse';
  if (answer.kind === 'level') return `« ${levels.find((l) => l.id === answer.level)?.label ?? answer.level} »`;
  return answer.kind === 'dont_know' ? '« Je ne sais pas »' : '« Non applicable »';
}

function describeSource(source: PrefillSource): string {
  return `source : ${source.tool}${source.reference ? ` (${source.reference})` : ''}, indicateur ${source.indicator} = ${String(source.value)}, mesuré le ${formatDateTime(source.observedAt)}`;
}

/** The id of `/evaluations/:id…`, or null when it is not a positive integer. */
export function useAssessmentId(): number | null {
  const { id } = useParams();
  if (!id || !/^\d{1,12}$/.test(id) || Number(id) <= 0) return null;
  return Number(id);
}

async function loadQuestionnaire(id: number) {
  const assessment = await api.get<AssessmentWithAnswers>(`/assessments/${id}`);
  const { id: key, version } = assessment.referential;
  const [referential, evidence, owners, candidates] = await Promise.all([
    api.get<Referential>(`/referentials/${encodeURIComponent(key)}/versions/${version}`),
    api.get<{ items: Evidence[] }>(`/assessments/${id}/evidence`),
    api.get<{ items: ObjectiveOwner[] }>(`/assessments/${id}/objective-owners`),
    // Only writers may pick an owner: readers get 403 here and simply see the owners.
    api.get<{ items: OwnerCandidate[] }>(`/assessments/${id}/owner-candidates`).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 403) return null;
      throw e;
    }),
  ]);
  return {
    assessment,
    referential,
    evidence: evidence.items,
    owners: owners.items,
    candidates: candidates?.items ?? null,
  };
}

/** The self-assessment questionnaire: axis → objective → requirement, saved at each answer. */
export function QuestionnairePage() {
  const id = useAssessmentId();
  if (id === null) return <AccessDeniedPage reason="not_found" />;
  return <Questionnaire key={id} id={id} />;
}

const CONFLICT =
  'Cette auto-évaluation a été modifiée par quelqu’un d’autre pendant que vous la remplissiez. La page a été rechargée avec les réponses enregistrées : vérifiez-les puis refaites votre dernière modification.';

function Questionnaire({ id }: { id: number }) {
  const loaded = useLoad(() => loadQuestionnaire(id), [id]);
  if (loaded.error) return <PageError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  // A new revision (submission, signature, reload after a conflict) starts the form again from the server's state.
  return (
    <QuestionnaireForm
      key={loaded.data.assessment.revision}
      initial={loaded.data.assessment}
      initialEvidence={loaded.data.evidence}
      initialOwners={loaded.data.owners}
      candidates={loaded.data.candidates}
      referential={loaded.data.referential}
      reload={loaded.reload}
    />
  );
}

function QuestionnaireForm({
  initial,
  initialEvidence,
  initialOwners,
  candidates,
  referential,
  reload,
}: {
  initial: AssessmentWithAnswers;
  initialEvidence: Evidence[];
  initialOwners: ObjectiveOwner[];
  /** Accounts that may own an objective; null when the user may not choose owners. */
  candidates: OwnerCandidate[] | null;
  referential: Referential;
  reload: () => void;
}) {
  const { me } = useAuth();
  const [assessment, setAssessment] = useState(initial);
  const [evidence, setEvidence] = useState(initialEvidence);
  const [owners, setOwners] = useState(initialOwners);
  const [ownerConflict, setOwnerConflict] = useState(false);
  const current = useRef(initial);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const editable = assessment.status === 'draft';
  const category = assessment.category;

  function accept(next: AssessmentWithAnswers) {
    current.current = next;
    setAssessment(next);
  }

  async function reloadAfterConflict() {
    setConflict(true);
    try {
      accept(await api.get<AssessmentWithAnswers>(`/assessments/${current.current.id}`));
    } catch (reloadError) {
      setError(reloadError);
    }
  }

  /** Saves are chained so that each one sends the revision the previous one returned. */
  function save(changes: Record<string, { answer?: Answer | null; comment?: string | null }>, what: string) {
    queue.current = queue.current.then(async () => {
      setError(null);
      try {
        const next = await api.patch<AssessmentWithAnswers>(`/assessments/${current.current.id}/answers`, {
          revision: current.current.revision,
          answers: changes,
        });
        accept(next);
        setSaved(`${what} enregistré(e) à ${new Date().toLocaleTimeString('fr-FR')}`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.code === 'revision_conflict') await reloadAfterConflict();
        else setError(e);
      }
    });
  }

  async function reloadOwners() {
    setOwnerConflict(true);
    try {
      setOwners((await api.get<{ items: ObjectiveOwner[] }>(`/assessments/${assessment.id}/objective-owners`)).items);
    } catch (reloadError) {
      setError(reloadError);
    }
  }

  function ownerSaved(owner: ObjectiveOwner) {
    setOwnerConflict(false);
    setOwners((list) => [...list.filter((o) => o.objectiveId !== owner.objectiveId), owner]);
  }

  /** Pre-fills unanswered requirements from the establishment's indicators (audits pushed, continuity D2). */
  function prefillFromIndicators() {
    queue.current = queue.current.then(async () => {
      setError(null);
      try {
        const { readings } = await api.get<{ readings: unknown[] }>(
          `/organisations/${current.current.organisationId}/indicator-readings`,
        );
        const next = await api.post<AssessmentWithAnswers & { prefilled: string[] }>(
          `/assessments/${current.current.id}/prefill`,
          { revision: current.current.revision, readings },
        );
        accept(next);
        setSaved(
          next.prefilled.length > 0
            ? `${next.prefilled.length} réponse(s) pré-remplie(s) depuis les indicateurs : vérifiez-les et confirmez-les.`
            : 'Aucune réponse à pré-remplir : pas d’indicateur pour les exigences encore sans réponse.',
        );
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.code === 'revision_conflict') await reloadAfterConflict();
        else setError(e);
      }
    });
  }

  /** Confirms a pre-filled answer (kept with its source); chained with the saves for the revision. */
  function confirmPrefill(requirementId: string) {
    queue.current = queue.current.then(async () => {
      setError(null);
      try {
        const r = await api.post<{ revision: number; requirementId: string; answer: StoredAnswer }>(
          `/assessments/${current.current.id}/answers/${encodeURIComponent(requirementId)}/confirm`,
          { revision: current.current.revision },
        );
        accept({
          ...current.current,
          revision: r.revision,
          answers: { ...current.current.answers, [requirementId]: r.answer },
        });
        setSaved(`Réponse pré-remplie ${requirementId} confirmée à ${new Date().toLocaleTimeString('fr-FR')}`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && e.code === 'revision_conflict') await reloadAfterConflict();
        else setError(e);
      }
    });
  }

  async function transition(name: 'submit' | 'sign') {
    setError(null);
    try {
      await api.post(`/assessments/${assessment.id}/${name}`, { revision: current.current.revision });
      reload();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code === 'revision_conflict') await reloadAfterConflict();
      else setError(e);
    }
  }

  const requirements = referential.axes.flatMap((a) => a.objectives.flatMap((o) => applicable(o, category)));
  const answered = (list: Requirement[]) => list.filter((r) => assessment.answers[r.id]?.answer).length;
  const unansweredIds = requirements.filter((r) => !assessment.answers[r.id]?.answer).map((r) => r.id);
  const isDirector = me?.grants.some((g) => g.role === 'establishment_director') ?? false;

  return (
    <>
      <h1>Auto-évaluation CaRE</h1>
      <p>
        {assessment.referential.name} — version {assessment.referential.version} ·{' '}
        <Badge severity={ASSESSMENT_STATUS_SEVERITY[assessment.status]} data-testid="assessment-status">
          {ASSESSMENT_STATUS_LABELS[assessment.status]}
        </Badge>
      </p>
      <p className="fr-text--sm">
        <Link to={`/organisations/${assessment.organisationId}/care`}>Retour au programme CaRE</Link> ·{' '}
        <Link to={`/evaluations/${assessment.id}/score`}>Score et tendance</Link> ·{' '}
        <Link to={`/evaluations/${assessment.id}/feuille-de-route`}>Feuille de route</Link>
      </p>
      {conflict ? (
        <Alert
          severity="warning"
          title="Modification concurrente"
          description={CONFLICT}
          closable
          onClose={() => setConflict(false)}
          className="fr-mb-3w"
          data-testid="revision-conflict"
        />
      ) : null}
      {ownerConflict ? (
        <Alert
          severity="warning"
          title="Responsable modifié entre-temps"
          description="Quelqu’un d’autre a changé ce responsable pendant votre saisie : les responsables enregistrés ont été rechargés, refaites votre choix si besoin."
          closable
          onClose={() => setOwnerConflict(false)}
          className="fr-mb-3w"
          data-testid="owner-conflict"
        />
      ) : null}
      <ErrorAlert error={error} title="Enregistrement impossible" />
      <p className="fr-text--lead" data-testid="progress-overall">
        {answered(requirements)} / {requirements.length} exigences renseignées
      </p>
      {editable ? (
        <Button
          priority="secondary"
          size="small"
          className="fr-mb-1w"
          iconId="fr-icon-refresh-line"
          onClick={prefillFromIndicators}
        >
          Pré-remplir depuis les indicateurs (audits, continuité D2)
        </Button>
      ) : null}
      <p className="fr-text--xs" aria-live="polite" data-testid="save-status">
        {saved ?? (editable ? 'Chaque réponse est enregistrée dès qu’elle est choisie.' : '')}
      </p>
      {assessment.submittedAt ? <p>Soumise le {formatDateTime(assessment.submittedAt)}.</p> : null}
      {assessment.signedAt ? <p>Signée par la direction le {formatDateTime(assessment.signedAt)}.</p> : null}
      {referential.axes.map((axis) => {
        const axisReqs = axis.objectives.flatMap((o) => applicable(o, category));
        if (axisReqs.length === 0) return null;
        return (
          <section key={axis.id} className="fr-mb-6w">
            <h2>
              {axis.title}{' '}
              <span className="fr-text--sm" data-testid={`progress-${axis.id}`}>
                ({answered(axisReqs)} / {axisReqs.length})
              </span>
            </h2>
            {axis.objectives.map((objective) => {
              const reqs = applicable(objective, category);
              if (reqs.length === 0) return null;
              return (
                <div key={objective.id} className="fr-mb-4w">
                  <h3 className="fr-h5">
                    {objective.id} — {objective.title}{' '}
                    <span className="fr-text--sm">
                      ({answered(reqs)} / {reqs.length})
                    </span>
                  </h3>
                  <ObjectiveOwnerLine
                    key={`${objective.id}-${owners.find((o) => o.objectiveId === objective.id)?.revision ?? 0}`}
                    assessmentId={assessment.id}
                    objectiveId={objective.id}
                    owner={owners.find((o) => o.objectiveId === objective.id)}
                    candidates={candidates ?? []}
                    editable={candidates !== null}
                    onSaved={ownerSaved}
                    onConflict={reloadOwners}
                  />
                  {objective.wording.kind === 'rempart' ? (
                    <p className="fr-text--xs fr-mb-1w">
                      <Badge small severity="new">
                        Formulation Rempart
                      </Badge>{' '}
                      l’intitulé officiel de cet objectif n’est pas public.
                    </p>
                  ) : null}
                  {reqs.map((r) => (
                    <RequirementItem
                      key={r.id}
                      requirement={r}
                      levels={referential.scales.find((s) => s.id === r.scale)?.levels ?? []}
                      stored={assessment.answers[r.id]}
                      editable={editable}
                      onAnswer={(answer) => save({ [r.id]: { answer } }, 'Réponse')}
                      onComment={(comment) => save({ [r.id]: { comment } }, 'Commentaire')}
                      onConfirm={() => confirmPrefill(r.id)}
                    >
                      <EvidencePanel
                        assessmentId={assessment.id}
                        requirementId={r.id}
                        items={evidence.filter((e) => e.requirementId === r.id)}
                        editable={assessment.status !== 'signed'}
                        onChange={(added, removed) =>
                          setEvidence((list) => [...list.filter((e) => !removed.includes(e.id)), ...added])
                        }
                      />
                    </RequirementItem>
                  ))}
                </div>
              );
            })}
          </section>
        );
      })}
      <section className="fr-mb-6w">
        <h2>Soumission et signature</h2>
        {editable ? (
          <>
            {unansweredIds.length > 0 ? (
              <>
                <p>
                  {unansweredIds.length} exigence(s) sans réponse : elles compteront comme non atteintes. Si elles ne
                  concernent pas votre établissement, déclarez-les non applicables.
                </p>
                <Button
                  priority="secondary"
                  className="fr-mb-2w"
                  onClick={() =>
                    save(
                      Object.fromEntries(unansweredIds.map((rid) => [rid, { answer: { kind: 'not_applicable' } }])),
                      'Réponses',
                    )
                  }
                >
                  Déclarer « Non applicable » les {unansweredIds.length} exigences sans réponse
                </Button>
              </>
            ) : null}
            <div>
              <Button onClick={() => queue.current.then(() => transition('submit'))} iconId="fr-icon-send-plane-line">
                Soumettre l’auto-évaluation
              </Button>
            </div>
          </>
        ) : null}
        {assessment.status === 'submitted' && isDirector ? (
          <Button onClick={() => transition('sign')} iconId="fr-icon-edit-line">
            Signer en tant que directeur
          </Button>
        ) : null}
        {assessment.status === 'submitted' && !isDirector ? <p>En attente de la signature de la direction.</p> : null}
      </section>
    </>
  );
}

function answerKey(answer: Answer | null | undefined): string {
  if (!answer) return '';
  return answer.kind === 'level' ? `level:${answer.level}` : answer.kind;
}

function RequirementItem({
  requirement: r,
  levels,
  stored,
  editable,
  onAnswer,
  onComment,
  onConfirm,
  children,
}: {
  children: ReactNode;
  requirement: Requirement;
  levels: Array<{ id: string; label: string }>;
  stored: TracedAnswer | undefined;
  editable: boolean;
  onAnswer: (answer: Answer) => void;
  onComment: (comment: string | null) => void;
  onConfirm: () => void;
}) {
  const chosen = answerKey(stored?.answer);
  const options: Array<{ key: string; label: string; answer: Answer }> = [
    ...levels.map((l) => ({ key: `level:${l.id}`, label: l.label, answer: { kind: 'level', level: l.id } as Answer })),
    { key: 'dont_know', label: 'Je ne sais pas', answer: { kind: 'dont_know' } },
    { key: 'not_applicable', label: 'Non applicable', answer: { kind: 'not_applicable' } },
  ];
  return (
    <div className="fr-card fr-card--no-border fr-p-2w fr-mb-2w" data-testid={`requirement-${r.id}`}>
      <RadioButtons
        legend={
          <>
            <strong>{r.id}</strong> — {r.questions[0] ?? r.title}
            {r.mandatory ? (
              <>
                {' '}
                <Badge small severity="warning">
                  Obligatoire
                </Badge>
              </>
            ) : null}
          </>
        }
        hintText={r.evidence.length > 0 ? `Preuves attendues : ${r.evidence.join(' ; ')}` : r.help}
        name={`answer-${r.id}`}
        orientation="horizontal"
        disabled={!editable}
        options={options.map((o) => ({
          label: o.label,
          nativeInputProps: {
            value: o.key,
            checked: chosen === o.key,
            onChange: () => onAnswer(o.answer),
          },
        }))}
      />
      {stored?.source ? (
        <p className="fr-text--xs fr-mb-1w" data-testid={`prefill-${r.id}`}>
          <Badge small severity={stored.source.confirmedBy ? 'success' : 'info'}>
            {stored.source.confirmedBy ? 'Pré-rempli, confirmé' : 'Pré-rempli'}
          </Badge>{' '}
          {describeSource(stored.source)}
          {stored.source.confirmedBy ? (
            <span data-testid={`prefill-confirmed-${r.id}`}>
              {' '}
              — confirmé par {stored.source.confirmedBy.name}
              {stored.source.confirmedAt ? ` le ${formatDateTime(stored.source.confirmedAt)}` : ''}
            </span>
          ) : editable ? (
            <>
              {' '}
              <Button size="small" priority="secondary" onClick={onConfirm} iconId="fr-icon-check-line">
                Confirmer cette réponse
              </Button>
            </>
          ) : null}
        </p>
      ) : null}
      {stored?.replacedPrefill ? (
        <p className="fr-text--xs fr-mb-1w" data-testid={`prefill-replaced-${r.id}`}>
          <Badge small severity="new">
            Pré-remplissage remplacé
          </Badge>{' '}
          la réponse pré-remplie {describeAnswer(stored.replacedPrefill.answer, levels)} (
          {describeSource(stored.replacedPrefill.source)}) a été modifiée le{' '}
          {formatDateTime(stored.replacedPrefill.replacedAt)}.
        </p>
      ) : null}
      <Input
        key={stored?.comment ?? ''}
        label={`Commentaire (${r.id})`}
        textArea
        disabled={!editable}
        nativeTextAreaProps={{
          defaultValue: stored?.comment ?? '',
          maxLength: 5000,
          rows: 2,
          onBlur: (event) => {
            const value = event.currentTarget.value.trim();
            if (value !== (stored?.comment ?? '')) onComment(value === '' ? null : value);
          },
        }}
      />
      {children}
    </div>
  );
}
