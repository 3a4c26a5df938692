import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { ApiError, api, apiUrl } from '../../api.js';
import { useAuth } from '../../auth.js';
import { formatDate } from '../../labels.js';
import { ErrorAlert } from '../ErrorAlert.js';

export interface Evidence {
  id: number;
  assessmentId: number;
  requirementId: string;
  kind: 'file' | 'link';
  filename: string | null;
  mediaType: string | null;
  size: number | null;
  sha256: string | null;
  url: string | null;
  title: string | null;
  expiresOn: string | null;
  expired: boolean;
  createdAt: string;
}

/** Same limit as the server's: refusing early spares sending 20 MiB for nothing. */
const MAX_BYTES = 20 * 1024 * 1024;
const ACCEPT = '.pdf,.png,.jpg,.jpeg,.odt,.ods,.docx,.xlsx';

function size(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace('.', ',')} Ko`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} Mo`;
}

/**
 * Sends a file as the raw body with its name in `X-Filename`, as the evidence API expects (the shared client has no
 * custom header): the session's CSRF token comes from /auth/me.
 */
async function upload(
  assessmentId: number,
  requirementId: string,
  file: File,
  expiresOn: string,
  csrf: string | null,
): Promise<Evidence> {
  const path = apiUrl(`/assessments/${assessmentId}/evidence`, { requirement: requirementId, expiresOn });
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/octet-stream',
        'x-filename': encodeURIComponent(file.name),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: file,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'le serveur est injoignable, vérifiez votre connexion');
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // An HTML error page or nothing: the status says enough.
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const message =
      typeof error?.message === 'string' ? error.message.slice(0, 500) : `envoi refusé (HTTP ${response.status})`;
    throw new ApiError(response.status, typeof error?.code === 'string' ? error.code : 'http_error', message);
  }
  return body as Evidence;
}

/** The evidence of one requirement: list, download, file upload or https link with an expiry date, removal. */
export function EvidencePanel({
  assessmentId,
  requirementId,
  items,
  editable,
  onChange,
}: {
  assessmentId: number;
  requirementId: string;
  items: Evidence[];
  editable: boolean;
  onChange: (added: Evidence[], removed: number[]) => void;
}) {
  const { me } = useAuth();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const prefix = `evidence-${requirementId}`;

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const addFile = () =>
    run(async () => {
      if (!file) return;
      if (file.size > MAX_BYTES) throw new ApiError(413, 'too_large', 'fichier trop volumineux (20 Mo au plus)');
      const added = await upload(assessmentId, requirementId, file, expiresOn, me?.csrfToken ?? null);
      setFile(null);
      onChange([added], []);
    });
  const addLink = () =>
    run(async () => {
      const added = await api.post<Evidence>(`/assessments/${assessmentId}/evidence/links`, {
        requirementId,
        url: url.trim(),
        ...(title.trim() ? { title: title.trim() } : {}),
        ...(expiresOn ? { expiresOn } : {}),
      });
      setUrl('');
      setTitle('');
      onChange([added], []);
    });
  const remove = (id: number) =>
    run(async () => {
      await api.delete(`/evidence/${id}`);
      onChange([], [id]);
    });

  return (
    <details className="fr-mb-2w" data-testid={prefix}>
      <summary>Pièces justificatives ({items.length})</summary>
      <div className="fr-pl-2w fr-pt-1w">
        <ErrorAlert error={error} title="Pièce refusée" />
        {items.length === 0 ? <p className="fr-text--sm">Aucune pièce jointe.</p> : null}
        <ul className="fr-text--sm">
          {items.map((e) => (
            <li key={e.id}>
              {e.kind === 'file' ? (
                <a href={apiUrl(`/evidence/${e.id}/content`)} download>
                  {e.filename}
                </a>
              ) : (
                <a href={e.url ?? '#'} target="_blank" rel="noopener noreferrer">
                  {e.title ?? e.url}
                </a>
              )}{' '}
              {e.kind === 'file' ? (
                <span className="fr-text--xs">
                  ({size(e.size)}, SHA-256 <code title={e.sha256 ?? ''}>{e.sha256?.slice(0, 12)}…</code>)
                </span>
              ) : null}{' '}
              {e.expiresOn ? (
                e.expired ? (
                  <Badge small severity="error">
                    Expirée le {formatDate(e.expiresOn)}
                  </Badge>
                ) : (
                  <span className="fr-text--xs">valable jusqu’au {formatDate(e.expiresOn)}</span>
                )
              ) : null}{' '}
              {editable ? (
                <Button size="small" priority="tertiary no outline" disabled={busy} onClick={() => remove(e.id)}>
                  Retirer
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
        {editable ? (
          <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
            <div className="fr-col-12 fr-col-md-3 fr-input-group">
              <label className="fr-label" htmlFor={`${prefix}-expires`}>
                Valable jusqu’au (facultatif)
              </label>
              <input
                className="fr-input"
                type="date"
                id={`${prefix}-expires`}
                value={expiresOn}
                onChange={(e) => setExpiresOn(e.currentTarget.value)}
              />
            </div>
            <div className="fr-col-12 fr-col-md-5 fr-upload-group">
              <label className="fr-label" htmlFor={`${prefix}-file`}>
                Fichier
                <span className="fr-hint-text">PDF, PNG, JPEG, ODT, ODS, DOCX ou XLSX, 20 Mo au plus</span>
              </label>
              <input
                className="fr-upload"
                type="file"
                id={`${prefix}-file`}
                accept={ACCEPT}
                onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
              />
            </div>
            <div className="fr-col-12 fr-col-md-4">
              <Button size="small" disabled={busy || !file} onClick={addFile}>
                Joindre le fichier
              </Button>
            </div>
            <div className="fr-col-12 fr-col-md-5 fr-input-group">
              <label className="fr-label" htmlFor={`${prefix}-url`}>
                Ou un lien https://
              </label>
              <input
                className="fr-input"
                type="url"
                id={`${prefix}-url`}
                value={url}
                maxLength={2048}
                onChange={(e) => setUrl(e.currentTarget.value)}
              />
            </div>
            <div className="fr-col-12 fr-col-md-3 fr-input-group">
              <label className="fr-label" htmlFor={`${prefix}-title`}>
                Intitulé du lien
              </label>
              <input
                className="fr-input"
                id={`${prefix}-title`}
                value={title}
                maxLength={200}
                onChange={(e) => setTitle(e.currentTarget.value)}
              />
            </div>
            <div className="fr-col-12 fr-col-md-4">
              <Button size="small" priority="secondary" disabled={busy || url.trim() === ''} onClick={addLink}>
                Ajouter le lien
              </Button>
            </div>
          </div>
        ) : null}
      </div>
    </details>
  );
}
