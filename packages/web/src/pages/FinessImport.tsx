import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { Upload } from '@codegouvfr/react-dsfr/Upload';
import { useState } from 'react';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { useAction } from '../components/useAction.js';
import type { OrganisationDetail } from '../types.js';

interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  rejected: Array<{ line: number; reason: string }>;
}

/** The server accepts up to 64 MiB; the national extract is about 40 MB. */
const MAX_BYTES = 64 * 1024 * 1024;
const SHOWN_REJECTIONS = 200;

/** Import of the public FINESS extract (CSV) at national or regional level; idempotent, with its report. */
export function FinessImport({ node, onImported }: { node: OrganisationDetail; onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const action = useAction<ImportReport>();
  const report = action.done;
  const busy = action.busy;
  if (node.kind !== 'nation' && node.kind !== 'region') return null;

  const submit = action.submit(async () => {
    if (!file) return null;
    if (file.size > MAX_BYTES) throw new Error('fichier trop volumineux (64 Mio au plus)');
    const imported = await api.postFile<ImportReport>(`/organisations/${node.id}/finess-import`, file, 'text/csv');
    onImported();
    return imported;
  });

  return (
    <section className="fr-mt-5w" aria-labelledby="import-finess">
      <h2 id="import-finess">Importer un extrait FINESS</h2>
      <p>
        L’extrait public des établissements (fichier CSV « etalab », séparé par des points-virgules) met à jour l’arbre
        : un nouvel import du même fichier ne change rien.
        {node.kind === 'region' && ' Seuls les établissements de cette région sont retenus.'}
      </p>
      <form onSubmit={submit} aria-label="Importer un extrait FINESS">
        <ErrorAlert error={action.error} title="Import refusé" />
        <Upload
          label="Fichier de l’extrait FINESS"
          hint="Format CSV, 64 Mio au plus."
          nativeInputProps={{
            name: 'extract',
            accept: '.csv,text/csv',
            onChange: (e) => setFile(e.target.files?.[0] ?? null),
          }}
        />
        <Button type="submit" priority="secondary" disabled={busy || !file} className="fr-mt-2w">
          {busy ? 'Import en cours…' : 'Importer'}
        </Button>
      </form>
      {report && (
        <div className="fr-mt-3w" data-testid="import-report">
          <Alert
            severity={report.rejected.length ? 'warning' : 'success'}
            title="Import terminé"
            description={`${report.created} créé(s), ${report.updated} mis à jour, ${report.unchanged} inchangé(s), ${report.rejected.length} ligne(s) refusée(s).`}
          />
          {report.rejected.length > 0 && (
            <Table
              caption={`Lignes refusées${report.rejected.length > SHOWN_REJECTIONS ? ` (${SHOWN_REJECTIONS} premières)` : ''}`}
              headers={['Ligne', 'Motif']}
              data={report.rejected.slice(0, SHOWN_REJECTIONS).map((r) => [String(r.line), r.reason])}
            />
          )}
        </div>
      )}
    </section>
  );
}
