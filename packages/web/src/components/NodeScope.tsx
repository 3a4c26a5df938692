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

type Segment = { label: string; linkProps: { to: string } };

/**
 * Breadcrumbs from the top of the tree to a node, then `via` (sections between the node and the page), then the
 * current page; without `page`, the node itself is the current page.
 */
export function NodeBreadcrumb({
  node,
  page,
  via = [],
}: {
  node: Pick<OrganisationDetail, 'id' | 'name' | 'ancestors'>;
  page?: string;
  via?: Segment[];
}) {
  const segments: Segment[] = [
    { label: 'Organisations', linkProps: { to: '/organisations' } },
    ...node.ancestors.map((a) => ({ label: a.name, linkProps: { to: `/organisations/${a.id}` } })),
  ];
  if (page !== undefined) segments.push({ label: node.name, linkProps: { to: `/organisations/${node.id}` } });
  return (
    <Breadcrumb homeLinkProps={{ to: '/' }} segments={[...segments, ...via]} currentPageLabel={page ?? node.name} />
  );
}
