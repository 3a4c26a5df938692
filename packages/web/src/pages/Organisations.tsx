import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { useEffect, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import { api } from '../api.js';
import { ErrorAlert, SuccessAlert } from '../components/ErrorAlert.js';
import { CategorySelect, TextField } from '../components/Fields.js';
import { Loading } from '../components/Loading.js';
import { NodeBreadcrumb } from '../components/NodeScope.js';
import { Finess, OrgBadges } from '../components/OrgBadges.js';
import { PageError } from '../components/PageError.js';
import { ActionAlerts, useAction } from '../components/useAction.js';
import { useLoad } from '../components/useLoad.js';
import { CHILD_KINDS, KIND_LABELS, KIND_SHORT, KINDS } from '../labels.js';
import type { EstablishmentCategory, Organisation, OrganisationDetail, OrganisationKind, Page } from '../types.js';
import { AccessDeniedPage } from './AccessDenied.js';
import { FinessImport } from './FinessImport.js';

type Child = Organisation & { childCount: number };

/** The tops of the signed-in user's subtrees; with a single one, go straight to it. */
export function OrganisationRootsPage() {
  const roots = useLoad(() => api.get<{ items: Organisation[] }>('/organisations'), []);
  if (roots.error) return <PageError error={roots.error} />;
  if (!roots.data) return <Loading />;
  const items = roots.data.items;
  if (items.length === 1) return <Navigate to={`/organisations/${items[0]!.id}`} replace />;
  return (
    <>
      <h1>Organisations</h1>
      {items.length === 0 ? (
        <p>Aucune organisation n’est dans votre périmètre.</p>
      ) : (
        <OrganisationTable caption="Vos périmètres" items={items} />
      )}
    </>
  );
}

/** One node: breadcrumbs to the top, its facts, its children, a search in its subtree, and edits. */
export function OrganisationPage() {
  const id = Number(useParams().id);
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  const children = useLoad(() => api.get<{ items: Child[] }>(`/organisations/${id}/children`), [id]);

  if (!Number.isSafeInteger(id) || id <= 0) return <AccessDeniedPage reason="not_found" />;
  if (node.error) return <PageError error={node.error} />;
  if (!node.data) return <Loading />;
  const o = node.data;
  const reloadAll = () => {
    node.reload();
    children.reload();
  };

  return (
    <>
      <NodeBreadcrumb node={o} />
      <h1 data-testid="organisation-name">{o.name}</h1>
      <p>
        <OrgBadges organisation={o} />
      </p>
      <dl className="fr-mb-3w" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '0.25rem 1rem' }}>
        <dt>Nature</dt>
        <dd>{KIND_LABELS[o.kind]}</dd>
        <dt>FINESS</dt>
        <dd>
          <Finess value={o.finess} />
        </dd>
        {o.regionCode && (
          <>
            <dt>Région</dt>
            <dd>{o.regionCode}</dd>
          </>
        )}
        {o.department && (
          <>
            <dt>Département</dt>
            <dd>{o.department}</dd>
          </>
        )}
        <dt>Sous-niveaux directs</dt>
        <dd>{o.childCount}</dd>
        <dt>Établissements (FINESS EG) dans le périmètre</dt>
        <dd>{o.establishmentCount}</dd>
      </dl>
      <ul className="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-mb-4w">
        <li>
          <Button priority="secondary" size="small" linkProps={{ to: `/organisations/${o.id}/comptes` }}>
            Comptes et rôles
          </Button>
        </li>
        <li>
          <Button priority="secondary" size="small" linkProps={{ to: `/organisations/${o.id}/journal` }}>
            Journal d’audit
          </Button>
        </li>
        <li>
          <Button priority="secondary" size="small" linkProps={{ to: `/organisations/${o.id}/securite` }}>
            Sécurité opérationnelle
          </Button>
        </li>
      </ul>

      <h2>Sous-niveaux</h2>
      {children.error ? (
        <ErrorAlert error={children.error} />
      ) : !children.data ? (
        <Loading />
      ) : children.data.items.length === 0 ? (
        <p>Ce nœud n’a pas de sous-niveau.</p>
      ) : (
        <ChildrenTable items={children.data.items} />
      )}

      {/* Keyed by node: moving to another node starts a new search and fresh forms. */}
      <SubtreeSearch key={`search-${o.id}`} id={o.id} />
      <NodeEditor key={`edit-${o.id}`} node={o} onChanged={reloadAll} />
      <FinessImport key={`import-${o.id}`} node={o} onImported={reloadAll} />
    </>
  );
}

/** Organisations by name (a link), badges and FINESS, with an optional last column. */
function OrganisationTable<T extends Organisation>({
  caption,
  items,
  extra,
}: {
  caption: string;
  items: T[];
  extra?: [header: string, cell: (item: T) => string];
}) {
  return (
    <Table
      caption={caption}
      headers={['Nom', 'Nature', 'FINESS', ...(extra ? [extra[0]] : [])]}
      data={items.map((o) => [
        <Link key="n" to={`/organisations/${o.id}`}>
          {o.name}
        </Link>,
        <OrgBadges key="b" organisation={o} />,
        <Finess key="f" value={o.finess} />,
        ...(extra ? [extra[1](o)] : []),
      ])}
    />
  );
}

function ChildrenTable({ items }: { items: Child[] }) {
  return (
    <div data-testid="children">
      <OrganisationTable
        caption={`${items.length} sous-niveau${items.length > 1 ? 'x' : ''}`}
        items={items}
        extra={['Sous-niveaux', (c) => String(c.childCount)]}
      />
    </div>
  );
}

const PAGE_SIZE = 50;

/** Search by name or FINESS number in the node's subtree, with "more" paging. */
function SubtreeSearch({ id }: { id: number }) {
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<OrganisationKind | ''>('');
  const [results, setResults] = useState<Organisation[] | null>(null);
  const [next, setNext] = useState<number | null>(null);
  const action = useAction();

  const load = (after: number) => async () => {
    const page = await api.get<Page<Organisation>>(`/organisations/${id}/subtree`, {
      q: q.trim(),
      kind,
      after,
      limit: PAGE_SIZE,
    });
    setResults((previous) => (after === 0 ? page.items : [...(previous ?? []), ...page.items]));
    setNext(page.next);
    return null;
  };

  return (
    <section className="fr-mt-5w" aria-labelledby="recherche">
      <h2 id="recherche">Rechercher dans ce périmètre</h2>
      <form onSubmit={action.submit(load(0))} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-6">
          <TextField label="Nom ou numéro FINESS" name="q" type="search" maxLength={100} value={q} onChange={setQ} />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <Select
            label="Nature"
            nativeSelectProps={{
              name: 'kind',
              value: kind,
              onChange: (e) => setKind(e.target.value as OrganisationKind | ''),
            }}
          >
            <option value="">Toutes</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_SHORT[k]}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-2 fr-mb-3w">
          <Button type="submit" disabled={action.busy} iconId="fr-icon-search-line">
            Rechercher
          </Button>
        </div>
      </form>
      <ActionAlerts action={action} />
      {results &&
        (results.length === 0 ? (
          <p>Aucun résultat.</p>
        ) : (
          <div data-testid="search-results">
            <OrganisationTable
              caption={`${results.length} résultat${results.length > 1 ? 's' : ''}${next ? ' (d’autres suivent)' : ''}`}
              items={results}
              extra={['Département', (r) => r.department ?? '—']}
            />
            {next !== null && (
              <Button priority="secondary" disabled={action.busy} onClick={() => void action.run(load(next))}>
                Afficher plus de résultats
              </Button>
            )}
          </div>
        ))}
    </section>
  );
}

/** Rename the node and create a child. The API decides who may: its refusal is shown as is. */
function NodeEditor({ node, onChanged }: { node: OrganisationDetail; onChanged: () => void }) {
  const childKinds = CHILD_KINDS[node.kind];
  return (
    <section className="fr-mt-5w" aria-labelledby="modifier">
      <h2 id="modifier">Modifier</h2>
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-lg-6">
          <RenameForm node={node} onChanged={onChanged} />
        </div>
        {childKinds.length > 0 && (
          <div className="fr-col-12 fr-col-lg-6">
            <CreateChildForm parent={node} kinds={childKinds} onChanged={onChanged} />
          </div>
        )}
      </div>
    </section>
  );
}

function RenameForm({ node, onChanged }: { node: OrganisationDetail; onChanged: () => void }) {
  const [name, setName] = useState(node.name);
  const [category, setCategory] = useState<EstablishmentCategory | ''>(node.category ?? '');
  const action = useAction();
  const hasCategory = node.kind === 'legal_entity' || node.kind === 'site';

  useEffect(() => {
    setName(node.name);
    setCategory(node.category ?? '');
  }, [node.name, node.category]);

  const submit = action.submit(async () => {
    const changes: Record<string, string> = {};
    if (name.trim() !== node.name) changes.name = name.trim();
    if (hasCategory && category && category !== node.category) changes.category = category;
    await api.patch(`/organisations/${node.id}`, changes);
    onChanged();
    return 'Modification enregistrée';
  });

  return (
    <form onSubmit={submit} aria-label="Renommer">
      <h3 className="fr-h6">Renommer</h3>
      <ActionAlerts action={action} errorTitle="Modification refusée" />
      <TextField label="Nom" name="name" required maxLength={300} value={name} onChange={setName} />
      {hasCategory && <CategorySelect value={category} onChange={setCategory} />}
      <Button type="submit" disabled={action.busy} priority="secondary">
        Enregistrer
      </Button>
    </form>
  );
}

function CreateChildForm({
  parent,
  kinds,
  onChanged,
}: {
  parent: OrganisationDetail;
  kinds: OrganisationKind[];
  onChanged: () => void;
}) {
  const [kind, setKind] = useState<OrganisationKind>(kinds[0]!);
  const [name, setName] = useState('');
  const [finess, setFiness] = useState('');
  const [category, setCategory] = useState<EstablishmentCategory | ''>('');
  const [department, setDepartment] = useState('');
  const action = useAction<Organisation>();
  const created = action.done;
  const establishment = kind === 'legal_entity' || kind === 'site';

  const submit = action.submit(async () => {
    const body: Record<string, unknown> = { parentId: parent.id, kind, name: name.trim() };
    if (establishment && finess.trim()) body.finess = finess.trim();
    if (establishment && category) body.category = category;
    if (establishment && department.trim()) body.department = department.trim().toUpperCase();
    const node = await api.post<Organisation>('/organisations', body);
    setName('');
    setFiness('');
    onChanged();
    return node;
  });

  return (
    <form onSubmit={submit} aria-label="Créer un sous-niveau">
      <h3 className="fr-h6">Créer un sous-niveau</h3>
      <ErrorAlert error={action.error} title="Création refusée" />
      {created && (
        <SuccessAlert message={`« ${created.name} » créé${created.finess ? ` (FINESS ${created.finess})` : ''}`} />
      )}
      <Select
        label="Nature"
        nativeSelectProps={{ name: 'kind', value: kind, onChange: (e) => setKind(e.target.value as OrganisationKind) }}
      >
        {kinds.map((k) => (
          <option key={k} value={k}>
            {KIND_LABELS[k]}
          </option>
        ))}
      </Select>
      <TextField label="Nom" name="name" required maxLength={300} value={name} onChange={setName} />
      {establishment && (
        <>
          <TextField
            label="Numéro FINESS"
            hintText="9 caractères, clé de contrôle comprise."
            name="finess"
            maxLength={9}
            value={finess}
            onChange={setFiness}
          />
          <CategorySelect value={category} onChange={setCategory} />
          <TextField
            label="Département"
            hintText="Par exemple 69, 2A ou 974."
            name="department"
            maxLength={3}
            value={department}
            onChange={setDepartment}
          />
        </>
      )}
      <Button type="submit" disabled={action.busy} priority="secondary">
        Créer
      </Button>
    </form>
  );
}
