import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import type { ReactElement } from 'react';
import { Navigate, useParams } from 'react-router-dom';
import { useAuth } from '../auth.js';
import type { OrganisationDetail } from '../types.js';

/**
 * The node a page acts on: the `:id` of the path, or else (for /comptes, /journal) a redirect to the first
 * node the user holds a role on, under `/organisations/<id>/<suffix>`.
 */
export function useNodeId(suffix: string): { id: number } | { redirect: ReactElement } | { invalid: true } {
  const { id } = useParams();
  const { me } = useAuth();
  if (id === undefined) {
    const first = me?.grants[0];
    if (!first) return { invalid: true };
    return { redirect: <Navigate to={`/organisations/${first.organisationId}/${suffix}`} replace /> };
  }
  const n = Number(id);
  if (!/^\d{1,12}$/.test(id) || !Number.isSafeInteger(n) || n <= 0) return { invalid: true };
  return { id: n };
}

/** Breadcrumbs from the top of the tree to a node, then the current page. */
export function NodeBreadcrumb({ node, page }: { node: OrganisationDetail; page: string }) {
  return (
    <Breadcrumb
      homeLinkProps={{ to: '/' }}
      segments={[
        { label: 'Organisations', linkProps: { to: '/organisations' } },
        ...node.ancestors.map((a) => ({ label: a.name, linkProps: { to: `/organisations/${a.id}` } })),
        { label: node.name, linkProps: { to: `/organisations/${node.id}` } },
      ]}
      currentPageLabel={page}
    />
  );
}
