import { ApiError } from '../api.js';
import { AccessDeniedPage } from '../pages/AccessDenied.js';
import { ErrorAlert } from './ErrorAlert.js';

/** What a page shows when loading its data failed: the 403/404 page for refusals, an alert otherwise. */
export function PageError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.forbidden) return <AccessDeniedPage reason="forbidden" />;
  if (error instanceof ApiError && error.notFound) return <AccessDeniedPage reason="not_found" />;
  return <ErrorAlert error={error} title="Chargement impossible" />;
}
