import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from 'react';
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

/** A required password field; `autoComplete` tells the browser whether it is the current or a new one. */
export function PasswordField({
  label,
  name,
  autoComplete,
  value,
  onChange,
  ...rest
}: {
  label: string;
  name: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
  hintText?: ReactNode;
  state?: 'error' | 'default';
  stateRelatedMessage?: ReactNode;
}) {
  return (
    <TextField
      {...rest}
      label={label}
      type="password"
      name={name}
      autoComplete={autoComplete}
      required
      value={value}
      onChange={onChange}
    />
  );
}

/** A DSFR text area bound to a string; every other attribute goes to the <textarea>. */
export function TextAreaField({
  label,
  hintText,
  value,
  onChange,
  ...native
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> & {
  label: ReactNode;
  hintText?: ReactNode;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Input
      textArea
      label={label}
      hintText={hintText}
      nativeTextAreaProps={{ ...native, value, onChange: (e) => onChange(e.target.value) }}
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
      <PasswordField
        label="Nouveau mot de passe"
        hintText="12 caractères au moins."
        name={names[0]}
        autoComplete="new-password"
        value={value}
        onChange={onChange}
      />
      <PasswordField
        label="Confirmation du nouveau mot de passe"
        state={mismatch ? 'error' : 'default'}
        stateRelatedMessage={mismatch ? 'Les deux mots de passe diffèrent.' : undefined}
        name={names[1]}
        autoComplete="new-password"
        value={again}
        onChange={onAgainChange}
      />
    </>
  );
}
