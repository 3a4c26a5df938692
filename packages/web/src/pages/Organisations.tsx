import { Breadcrumb } from '@codegouvfr/react-dsfr/Breadcrumb';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, Navigate, useParams } from 'react-router-dom';
import { api } from '../api.js';
import { ErrorAlert, SuccessAlert } from '../components/ErrorAlert.js';
import { Loading } from '../components/Loading.js';
import { Finess, OrgBadges } from '../components/OrgBadges.js';
import { PageError } from '../components/PageError.js';
import { useLoad } from '../components/useLoad.js';
import { CATEGORIES, CATEGORY_LABELS, CHILD_KINDS, KIND_LABELS, KIND_SHORT, KINDS } from '../labels.js';
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
        <Table
          caption="Vos périmètres"
          headers={['Nom', 'Nature', 'FINESS']}
          data={items.map((o) => [
            <Link key="n" to={`/organisations/${o.id}`}>
              {o.name}
            </Link>,
            <OrgBadges key="b" organisation={o} />,
            <Finess key="f" value={o.finess} />,
          ])}
        />
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
      <Breadcrumb
        homeLinkProps={{ to: '/' }}
        segments={[
          { label: 'Organisations', linkProps: { to: '/organisations' } },
          ...o.ancestors.map((a) => ({ label: a.name, linkProps: { to: `/organisations/${a.id}` } })),
        ]}
        currentPageLabel={o.name}
      />
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

function ChildrenTable({ items }: { items: Child[] }) {
  return (
    <div data-testid="children">
      <Table
        caption={`${items.length} sous-niveau${items.length > 1 ? 'x' : ''}`}
        headers={['Nom', 'Nature', 'FINESS', 'Sous-niveaux']}
        data={items.map((c) => [
          <Link key="n" to={`/organisations/${c.id}`}>
            {c.name}
          </Link>,
          <OrgBadges key="b" organisation={c} />,
          <Finess key="f" value={c.finess} />,
          String(c.childCount),
        ])}
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
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function load(after: number) {
    setBusy(true);
    setError(null);
    try {
      const page = await api.get<Page<Organisation>>(`/organisations/${id}/subtree`, {
        q: q.trim(),
        kind,
        after,
        limit: PAGE_SIZE,
      });
      setResults((previous) => (after === 0 ? page.items : [...(previous ?? []), ...page.items]));
      setNext(page.next);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void load(0);
  }

  return (
    <section className="fr-mt-5w" aria-labelledby="recherche">
      <h2 id="recherche">Rechercher dans ce périmètre</h2>
      <form onSubmit={submit} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-6">
          <Input
            label="Nom ou numéro FINESS"
            nativeInputProps={{
              name: 'q',
              type: 'search',
              maxLength: 100,
              value: q,
              onChange: (e) => setQ(e.target.value),
            }}
          />
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
          <Button type="submit" disabled={busy} iconId="fr-icon-search-line">
            Rechercher
          </Button>
        </div>
      </form>
      <ErrorAlert error={error} />
      {results &&
        (results.length === 0 ? (
          <p>Aucun résultat.</p>
        ) : (
          <div data-testid="search-results">
            <Table
              caption={`${results.length} résultat${results.length > 1 ? 's' : ''}${next ? ' (d’autres suivent)' : ''}`}
              headers={['Nom', 'Nature', 'FINESS', 'Département']}
              data={results.map((r) => [
                <Link key="n" to={`/organisations/${r.id}`}>
                  {r.name}
                </Link>,
                <OrgBadges key="b" organisation={r} />,
                <Finess key="f" value={r.finess} />,
                r.department ?? '—',
              ])}
            />
            {next !== null && (
              <Button priority="secondary" disabled={busy} onClick={() => void load(next)}>
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
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hasCategory = node.kind === 'legal_entity' || node.kind === 'site';

  useEffect(() => {
    setName(node.name);
    setCategory(node.category ?? '');
  }, [node.name, node.category]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const changes: Record<string, string> = {};
      if (name.trim() !== node.name) changes.name = name.trim();
      if (hasCategory && category && category !== node.category) changes.category = category;
      await api.patch(`/organisations/${node.id}`, changes);
      setDone('Modification enregistrée');
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Renommer">
      <h3 className="fr-h6">Renommer</h3>
      <ErrorAlert error={error} title="Modification refusée" />
      <SuccessAlert message={done} />
      <Input
        label="Nom"
        nativeInputProps={{
          name: 'name',
          required: true,
          maxLength: 300,
          value: name,
          onChange: (e) => setName(e.target.value),
        }}
      />
      {hasCategory && (
        <Select
          label="Catégorie"
          nativeSelectProps={{
            name: 'category',
            value: category,
            onChange: (e) => setCategory(e.target.value as EstablishmentCategory | ''),
          }}
        >
          <option value="">Non renseignée</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {CATEGORY_LABELS[c]}
            </option>
          ))}
        </Select>
      )}
      <Button type="submit" disabled={busy} priority="secondary">
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
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<Organisation | null>(null);
  const [busy, setBusy] = useState(false);
  const establishment = kind === 'legal_entity' || kind === 'site';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    try {
      const body: Record<string, unknown> = { parentId: parent.id, kind, name: name.trim() };
      if (establishment && finess.trim()) body.finess = finess.trim();
      if (establishment && category) body.category = category;
      if (establishment && department.trim()) body.department = department.trim().toUpperCase();
      const node = await api.post<Organisation>('/organisations', body);
      setCreated(node);
      setName('');
      setFiness('');
      onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Créer un sous-niveau">
      <h3 className="fr-h6">Créer un sous-niveau</h3>
      <ErrorAlert error={error} title="Création refusée" />
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
      <Input
        label="Nom"
        nativeInputProps={{
          name: 'name',
          required: true,
          maxLength: 300,
          value: name,
          onChange: (e) => setName(e.target.value),
        }}
      />
      {establishment && (
        <>
          <Input
            label="Numéro FINESS"
            hintText="9 caractères, clé de contrôle comprise."
            nativeInputProps={{
              name: 'finess',
              maxLength: 9,
              value: finess,
              onChange: (e) => setFiness(e.target.value),
            }}
          />
          <Select
            label="Catégorie"
            nativeSelectProps={{
              name: 'category',
              value: category,
              onChange: (e) => setCategory(e.target.value as EstablishmentCategory | ''),
            }}
          >
            <option value="">Non renseignée</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {CATEGORY_LABELS[c]}
              </option>
            ))}
          </Select>
          <Input
            label="Département"
            hintText="Par exemple 69, 2A ou 974."
            nativeInputProps={{
              name: 'department',
              maxLength: 3,
              value: department,
              onChange: (e) => setDepartment(e.target.value),
            }}
          />
        </>
      )}
      <Button type="submit" disabled={busy} priority="secondary">
        Créer
      </Button>
    </form>
  );
}
