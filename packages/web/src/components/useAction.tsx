import { type FormEvent, useCallback, useState } from 'react';
import { ErrorAlert, SuccessAlert } from './ErrorAlert.js';

export interface Action {
  busy: boolean;
  error: unknown;
  done: string | null;
  /** Runs `work` once at a time, keeping its failure, or the success message it returns. */
  run: (work: () => Promise<string | null | undefined>) => Promise<void>;
  /** A form's submit handler that runs `work` without reloading the page. */
  submit: (work: () => Promise<string | null | undefined>) => (event: FormEvent) => void;
}

/** The busy / error / success state of a form or button that calls the API. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = useCallback(async (work: () => Promise<string | null | undefined>) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone((await work()) ?? null);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, []);
  const submit = useCallback(
    (work: () => Promise<string | null | undefined>) => (event: FormEvent) => {
      event.preventDefault();
      void run(work);
    },
    [run],
  );
  return { busy, error, done, run, submit };
}

/** The outcome of an action: its error under `errorTitle`, or its success message. */
export function ActionAlerts({ action, errorTitle }: { action: Action; errorTitle: string }) {
  return (
    <>
      <ErrorAlert error={action.error} title={errorTitle} />
      <SuccessAlert message={action.done} />
    </>
  );
}
