import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { InputHTMLAttributes, ReactNode } from 'react';
import { CATEGORIES, CATEGORY_LABELS } from '../labels.js';
import type { EstablishmentCategory } from '../types.js';

type NativeInput = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>;

/** A DSFR text input bound to a string; every other attribute (name, type, required…) goes to the <input>. */
export function TextField({
  label,
  hintText,
  state,
  stateRelatedMessage,
  disabled,
  value,
  onChange,
  ...native
}: NativeInput & {
  label: ReactNode;
  hintText?: ReactNode;
  state?: 'success' | 'error' | 'info' | 'default';
  stateRelatedMessage?: ReactNode;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Input
      label={label}
      hintText={hintText}
      state={state}
      stateRelatedMessage={stateRelatedMessage}
      disabled={disabled}
      nativeInputProps={{ ...native, value, onChange: (e) => onChange(e.target.value) }}
    />
  );
}

/** The establishment category of a legal entity or site; empty is "Non renseignée". */
export function CategorySelect({
  value,
  onChange,
}: {
  value: EstablishmentCategory | '';
  onChange: (value: EstablishmentCategory | '') => void;
}) {
  return (
    <Select
      label="Catégorie"
      nativeSelectProps={{
        name: 'category',
        value,
        onChange: (e) => onChange(e.target.value as EstablishmentCategory | ''),
      }}
    >
      <option value="">Non renseignée</option>
      {CATEGORIES.map((c) => (
        <option key={c} value={c}>
          {CATEGORY_LABELS[c]}
        </option>
      ))}
    </Select>
  );
}

/** A new password and its confirmation, the confirmation flagged while the two differ. */
export function NewPasswordFields({
  names,
  value,
  again,
  onChange,
  onAgainChange,
}: {
  names: [string, string];
  value: string;
  again: string;
  onChange: (value: string) => void;
  onAgainChange: (value: string) => void;
}) {
  const mismatch = again.length > 0 && again !== value;
  return (
    <>
      <TextField
        label="Nouveau mot de passe"
        hintText="12 caractères au moins."
        type="password"
        name={names[0]}
        autoComplete="new-password"
        required
        value={value}
        onChange={onChange}
      />
      <TextField
        label="Confirmation du nouveau mot de passe"
        state={mismatch ? 'error' : 'default'}
        stateRelatedMessage={mismatch ? 'Les deux mots de passe diffèrent.' : undefined}
        type="password"
        name={names[1]}
        autoComplete="new-password"
        required
        value={again}
        onChange={onAgainChange}
      />
    </>
  );
}
