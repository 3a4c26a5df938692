import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { type FormEvent, useCallback, useState } from 'react';
import { messageOf } from '../api.js';
import { ErrorAlert, SuccessAlert } from './ErrorAlert.js';

/** What the alerts show of an action, whatever its result type. */
type Outcome = Pick<Action<unknown>, 'error' | 'done'>;

export interface Action<T = string> {
  busy: boolean;
  error: unknown;
  /** What the last successful run returned: a success message, or any result the form shows. */
  done: T | null;
  /** Runs `work` once at a time, keeping its failure, or what it returns on success. */
  run: (work: () => Promise<T | null | undefined>) => Promise<void>;
  /** A form's submit handler that runs `work` without reloading the page. */
  submit: (work: () => Promise<T | null | undefined>) => (event: FormEvent) => void;
}

/** The busy / error / success state of a form or button that calls the API. */
export function useAction<T = string>(): Action<T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<T | null>(null);
  const run = useCallback(async (work: () => Promise<T | null | undefined>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const result = (await work()) ?? null;
      setDone(() => result);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, []);
  const submit = useCallback(
    (work: () => Promise<T | null | undefined>) => (event: FormEvent) => {
      event.preventDefault();
      void run(work);
    },
    [run],
  );
  return { busy, error, done, run, submit };
}

/** The outcome of an action: its error under `errorTitle`, or its success message. */
export function ActionAlerts({ action, errorTitle }: { action: Outcome; errorTitle?: string }) {
  return (
    <>
      <ErrorAlert error={action.error} title={errorTitle} />
      <SuccessAlert message={typeof action.done === 'string' ? action.done : null} />
    </>
  );
}

/** The outcome of an action as one small line: its error, or its success message. */
export function ActionNotice({ action, className = 'fr-mb-2w' }: { action: Outcome; className?: string }) {
  const failed = Boolean(action.error);
  const text = failed ? messageOf(action.error) : typeof action.done === 'string' ? action.done : null;
  if (!text) return null;
  return (
    <Alert severity={failed ? 'error' : 'success'} small description={text} className={className} closable={false} />
  );
}
