import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { messageOf } from '../api.js';

/** Shows an API or unexpected error as a DSFR error alert; renders nothing without an error. */
export function ErrorAlert({ error, title = 'Erreur' }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = messageOf(error);
  return (
    <Alert
      severity="error"
      title={title}
      description={message.charAt(0).toUpperCase() + message.slice(1)}
      small={false}
      className="fr-mb-3w"
    />
  );
}

/** A DSFR success alert. */
export function SuccessAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return <Alert severity="success" title={message} small={false} className="fr-mb-3w" />;
}
