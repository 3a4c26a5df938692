import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import { ApiError, api } from '../../api.js';
import { ErrorAlert } from '../ErrorAlert.js';

export interface ObjectiveOwner {
  objectiveId: string;
  userId: number | null;
  /** Null once the owner was removed (the row keeps its revision). */
  name: string | null;
  dueDate: string | null;
  revision: number;
  updatedAt: string;
}

export interface OwnerCandidate {
  id: number;
  name: string;
  roles: Array<{ role: string; organisation: string }>;
}

const FREE_TEXT = 'free';

function formatDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('fr-FR', { timeZone: 'UTC' });
}

/**
 * The owner of one objective: shown to every reader, and chosen by a writer among the establishment's accounts
 * or typed as a free name/role, with an optional due date. A concurrent change reloads and says so.
 */
export function ObjectiveOwnerLine({
  assessmentId,
  objectiveId,
  owner,
  candidates,
  editable,
  onSaved,
  onConflict,
}: {
  assessmentId: number;
  objectiveId: string;
  owner: ObjectiveOwner | undefined;
  candidates: OwnerCandidate[];
  editable: boolean;
  onSaved: (owner: ObjectiveOwner) => void;
  onConflict: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [choice, setChoice] = useState(owner?.userId ? String(owner.userId) : owner?.name ? FREE_TEXT : '');
  const [freeName, setFreeName] = useState(owner?.userId === null ? (owner?.name ?? '') : '');
  const [dueDate, setDueDate] = useState(owner?.dueDate ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const testId = `owner-${objectiveId}`;

  async function save(clear: boolean) {
    setError(null);
    setBusy(true);
    const body: Record<string, unknown> = { revision: owner?.revision ?? 0 };
    if (!clear) {
      if (choice === FREE_TEXT) body.name = freeName.trim();
      else if (choice !== '') body.userId = Number(choice);
      if (dueDate !== '') body.dueDate = dueDate;
    }
    try {
      const saved = await api.patch<{ owner: ObjectiveOwner }>(
        `/assessments/${assessmentId}/objectives/${encodeURIComponent(objectiveId)}/owner`,
        body,
      );
      onSaved(saved.owner);
      setEditing(false);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.code === 'revision_conflict') {
        setEditing(false);
        onConflict();
      } else setError(e);
    } finally {
      setBusy(false);
    }
  }

  const shown = owner?.name ? (
    <>
      Responsable : <strong>{owner.name}</strong>
      {owner.userId === null ? ' (sans compte)' : ''}
      {owner.dueDate ? ` — échéance ${formatDay(owner.dueDate)}` : ''}
    </>
  ) : (
    'Responsable : à désigner'
  );

  return (
    <div className="fr-mb-2w" data-testid={testId}>
      <p className="fr-text--sm fr-mb-1w">
        {shown}{' '}
        {editable && !editing ? (
          <Button size="small" priority="tertiary" onClick={() => setEditing(true)} iconId="fr-icon-user-line">
            {owner?.name ? 'Changer' : 'Désigner'}
          </Button>
        ) : null}
      </p>
      {editing ? (
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div className="fr-col-12 fr-col-md-4">
            <Select
              label={`Responsable de ${objectiveId}`}
              nativeSelectProps={{ value: choice, onChange: (e) => setChoice(e.currentTarget.value) }}
            >
              <option value="">— choisir —</option>
              {candidates.map((c) => (
                <option key={c.id} value={String(c.id)}>
                  {c.name} ({c.roles.map((r) => r.organisation).join(', ')})
                </option>
              ))}
              <option value={FREE_TEXT}>Autre personne (sans compte)…</option>
            </Select>
          </div>
          {choice === FREE_TEXT ? (
            <div className="fr-col-12 fr-col-md-4">
              <Input
                label="Nom ou fonction"
                nativeInputProps={{
                  value: freeName,
                  maxLength: 200,
                  onChange: (e) => setFreeName(e.currentTarget.value),
                }}
              />
            </div>
          ) : null}
          <div className="fr-col-12 fr-col-md-2">
            <Input
              label="Échéance (facultative)"
              nativeInputProps={{ type: 'date', value: dueDate, onChange: (e) => setDueDate(e.currentTarget.value) }}
            />
          </div>
          <div className="fr-col-12 fr-col-md-2">
            <Button
              size="small"
              disabled={busy || choice === '' || (choice === FREE_TEXT && freeName.trim() === '')}
              onClick={() => save(false)}
            >
              Enregistrer
            </Button>{' '}
            {owner?.name ? (
              <Button size="small" priority="secondary" disabled={busy} onClick={() => save(true)}>
                Retirer
              </Button>
            ) : null}{' '}
            <Button size="small" priority="tertiary" disabled={busy} onClick={() => setEditing(false)}>
              Annuler
            </Button>
          </div>
        </div>
      ) : null}
      <ErrorAlert error={error} title="Responsable non enregistré" />
    </div>
  );
}
