import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { CATEGORY_LABELS, KIND_SHORT } from '../labels.js';
import type { Organisation } from '../types.js';

const KIND_SEVERITY = {
  nation: 'new',
  region: 'info',
  group: 'new',
  legal_entity: 'success',
  site: 'warning',
} as const;

/** The kind and category badges of a node of the tree. */
export function OrgBadges({ organisation }: { organisation: Pick<Organisation, 'kind' | 'category'> }) {
  return (
    <span className="fr-badges-group" style={{ display: 'inline-flex', gap: '0.25rem', flexWrap: 'wrap' }}>
      <Badge small noIcon severity={KIND_SEVERITY[organisation.kind]}>
        {KIND_SHORT[organisation.kind] ?? organisation.kind}
      </Badge>
      {organisation.category && (
        <Badge small noIcon>
          {CATEGORY_LABELS[organisation.category] ?? organisation.category}
        </Badge>
      )}
    </span>
  );
}

/** A FINESS number in monospace, or a dash when the node has none. */
export function Finess({ value }: { value: string | null }) {
  if (!value) return <span title="Sans numéro FINESS">—</span>;
  return (
    <span style={{ fontFamily: 'monospace' }} title="Numéro FINESS">
      {value}
    </span>
  );
}
