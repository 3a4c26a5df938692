import { Button } from '@codegouvfr/react-dsfr/Button';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api.js';
import { Loading } from '../components/Loading.js';
import { NodeBreadcrumb, useNodeId } from '../components/NodeScope.js';
import { PageError } from '../components/PageError.js';
import { useLoad } from '../components/useLoad.js';
import { ACTION_LABELS, formatDateTime, summaryLines } from '../labels.js';
import type { AuditEvent, OrganisationDetail, Page } from '../types.js';
import { AccessDeniedPage } from './AccessDenied.js';

const PAGE_SIZE = 50;

/** The audit trail of a node's subtree, newest first, a page at a time. */
export function AuditPage() {
  const scope = useNodeId('journal');
  if ('redirect' in scope) return scope.redirect;
  if ('invalid' in scope) return <AccessDeniedPage reason="not_found" />;
  return <AuditOfNode key={scope.id} id={scope.id} />;
}

function AuditOfNode({ id }: { id: number }) {
  // `cursors` holds the `before` of each page already visited; the last one is the page shown.
  const [cursors, setCursors] = useState<Array<number | undefined>>([undefined]);
  const before = cursors[cursors.length - 1];
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  const events = useLoad(
    () => api.get<Page<AuditEvent>>(`/organisations/${id}/audit`, { before, limit: PAGE_SIZE }),
    [id, before],
  );

  const failure = events.error ?? node.error;
  if (failure) return <PageError error={failure} />;
  if (!node.data) return <Loading />;
  const o = node.data;
  const page = events.data;
  return (
    <>
      <NodeBreadcrumb node={o} page="Journal d’audit" />
      <h1>Journal d’audit</h1>
      <p className="fr-text--lead">
        Écritures concernant <Link to={`/organisations/${o.id}`}>{o.name}</Link> et ses sous-niveaux, les plus récentes
        d’abord. Chaque ligne est chaînée à la précédente par une empreinte.
      </p>
      {!page || events.loading ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <p>Aucune écriture sur cette page.</p>
      ) : (
        <div data-testid="audit-events">
          <Table
            caption={`Page ${cursors.length} — ${page.items.length} écriture(s)`}
            headers={['N°', 'Date', 'Auteur', 'Action', 'Objet', 'Organisation', 'Adresse IP', 'Détail']}
            data={page.items.map((e) => [
              String(e.id),
              formatDateTime(e.at),
              e.actor,
              <span key="a">
                {ACTION_LABELS[e.action] ?? e.action}
                <br />
                <code className="fr-text--xs">{e.action}</code>
              </span>,
              `${e.objectType}${e.objectId ? ` #${e.objectId}` : ''}`,
              e.organisationId ? (
                <Link key="o" to={`/organisations/${e.organisationId}`}>
                  {e.organisationName ?? `#${e.organisationId}`}
                </Link>
              ) : (
                '—'
              ),
              e.ip ?? '—',
              <ul key="s" className="fr-raw-list fr-text--xs" style={{ wordBreak: 'break-word' }}>
                {summaryLines(e.summary).map((line, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines of one summary, in a fixed order
                  <li key={i}>{line}</li>
                ))}
              </ul>,
            ])}
          />
        </div>
      )}
      <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        <li>
          <Button
            priority="secondary"
            iconId="fr-icon-arrow-left-line"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Plus récentes
          </Button>
        </li>
        <li>
          <Button
            priority="secondary"
            iconId="fr-icon-arrow-right-line"
            iconPosition="right"
            disabled={!page?.next}
            onClick={() => page?.next && setCursors((c) => [...c, page.next ?? undefined])}
          >
            Plus anciennes
          </Button>
        </li>
      </ul>
    </>
  );
}
