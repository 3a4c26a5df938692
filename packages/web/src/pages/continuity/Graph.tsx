import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useMemo, useState } from 'react';
import { api, apiUrl } from '../../api.js';
import { useAuth } from '../../auth.js';
import { ColumnTable } from '../../components/ColumnTable.js';
import { TextAreaField, TextField } from '../../components/Fields.js';
import { Loading } from '../../components/Loading.js';
import { PageError } from '../../components/PageError.js';
import { type Action, ActionNotice, useAction } from '../../components/useAction.js';
import {
  COMPONENT_KIND_LABELS,
  type Component,
  continuityApi,
  continuityPage,
  formatHours,
  type Graph,
  PrioritySelect,
  parseNumber,
  putJson,
  useGraph,
} from './shared.js';

/** Components, dependencies, import/export and the drawing of the dependency graph. */
export const ContinuityGraphPage = continuityPage('Graphe de dépendances', 'graphe', GraphEditor);

function GraphEditor({ id }: { id: number }) {
  const graph = useGraph(id);
  const action = useAction();
  if (graph.error) return <PageError error={graph.error} />;
  if (!graph.data) return <Loading />;
  const g = graph.data;
  const edit = { id, action, reload: graph.reload };
  return (
    <>
      <ActionNotice action={action} />
      <GraphDrawing graph={g} />
      <h2 className="fr-mt-4w">Composants</h2>
      <ComponentTable graph={g} {...edit} />
      <ComponentForm {...edit} />
      <h2 className="fr-mt-4w">Dépendances</h2>
      <DependencyEditor graph={g} {...edit} />
      <h2 className="fr-mt-4w">Import et export</h2>
      <ImportExport {...edit} />
    </>
  );
}

/** What every editing part of the page shares: the node, one outcome line, and the graph's reload. */
interface Edit {
  id: number;
  action: Action;
  reload: () => void;
}

function ComponentTable({ id, graph, action, reload }: { graph: Graph } & Edit) {
  if (graph.components.length === 0) return <p>Aucun composant pour l’instant.</p>;
  const remove = (c: Component) =>
    action.run(async () => {
      const r = await api.delete<{ removedDependencies: number }>(
        continuityApi(id, `components/${encodeURIComponent(c.id)}`),
      );
      reload();
      return `Composant « ${c.name} » supprimé (${r.removedDependencies} dépendance(s) retirée(s)).`;
    });
  return (
    <ColumnTable
      caption="Composants"
      captionHidden
      testId="continuity-components"
      headers={['Composant', 'Type', 'Priorité', 'Durée de restauration', 'Alternative', 'Actions']}
    >
      {graph.components.map((c) => (
        <tr key={c.id}>
          <td>
            <strong>{c.name}</strong> <span className="fr-text--xs">({c.id})</span>
          </td>
          <td>{COMPONENT_KIND_LABELS[c.kind] ?? c.kind}</td>
          <td>P{c.priority}</td>
          <td>{formatHours(c.restoreHours)}</td>
          <td>{c.hasAlternative ? 'oui' : 'non'}</td>
          <td>
            <Button size="small" priority="tertiary" onClick={() => remove(c)}>
              Supprimer
            </Button>
          </td>
        </tr>
      ))}
    </ColumnTable>
  );
}

function ComponentForm({ id, action, reload }: Edit) {
  const { me } = useAuth();
  const empty = { key: '', name: '', kind: 'application', priority: '1', restore: '', alternative: false };
  const [f, setF] = useState(empty);
  const submit = action.submit(async () => {
    const restoreHours = parseNumber(f.restore);
    if (!Number.isFinite(restoreHours) || restoreHours < 0) {
      throw new Error('durée de restauration : nombre d’heures positif attendu');
    }
    await putJson(
      continuityApi(id, `components/${encodeURIComponent(f.key.trim())}`),
      {
        name: f.name.trim(),
        kind: f.kind,
        priority: Number(f.priority),
        restoreHours,
        hasAlternative: f.alternative,
      },
      me?.csrfToken,
    );
    reload();
    setF(empty);
    return `Composant « ${f.name.trim()} » enregistré.`;
  });
  return (
    <form onSubmit={submit} aria-label="Composant">
      <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <div className="fr-col-12 fr-col-md-2">
          <TextField label="Identifiant du composant" value={f.key} onChange={(key) => setF({ ...f, key })} required />
        </div>
        <div className="fr-col-12 fr-col-md-3">
          <TextField label="Nom du composant" value={f.name} onChange={(name) => setF({ ...f, name })} required />
        </div>
        <div className="fr-col-12 fr-col-md-2">
          <Select
            label="Type de composant"
            nativeSelectProps={{ value: f.kind, onChange: (e) => setF({ ...f, kind: e.target.value }) }}
          >
            {Object.entries(COMPONENT_KIND_LABELS).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </Select>
        </div>
        <div className="fr-col-12 fr-col-md-1">
          <PrioritySelect
            label="Priorité du composant"
            value={f.priority}
            onChange={(priority) => setF({ ...f, priority })}
          />
        </div>
        <div className="fr-col-12 fr-col-md-2">
          <TextField
            label="Restauration (h)"
            value={f.restore}
            inputMode="decimal"
            onChange={(restore) => setF({ ...f, restore })}
            required
          />
        </div>
        <div className="fr-col-12 fr-col-md-2">
          <div className="fr-checkbox-group fr-checkbox-group--sm">
            <input
              type="checkbox"
              id="component-alternative"
              checked={f.alternative}
              onChange={(e) => setF({ ...f, alternative: e.target.checked })}
            />
            <label className="fr-label" htmlFor="component-alternative">
              Alternative disponible
            </label>
          </div>
          <Button type="submit" size="small" className="fr-mt-1w">
            Enregistrer le composant
          </Button>
        </div>
      </div>
    </form>
  );
}

function DependencyEditor({ id, graph, action, reload }: { graph: Graph } & Edit) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const names = useMemo(() => nodeNames(graph), [graph]);
  const add = action.submit(async () => {
    await api.post(continuityApi(id, 'dependencies'), { from, to });
    reload();
    return `Dépendance ${names.get(from) ?? from} → ${names.get(to) ?? to} ajoutée.`;
  });
  const remove = (f: string, t: string) =>
    action.run(async () => {
      await api.delete(`${continuityApi(id, 'dependencies')}?${new URLSearchParams({ from: f, to: t })}`);
      reload();
      return 'Dépendance retirée.';
    });
  return (
    <>
      {graph.dependencies.length === 0 ? (
        <p>Aucune dépendance pour l’instant.</p>
      ) : (
        <ul data-testid="continuity-dependencies">
          {graph.dependencies.map((d) => (
            <li key={`${d.from}>${d.to}`}>
              {names.get(d.from) ?? d.from} a besoin de {names.get(d.to) ?? d.to}{' '}
              <Button size="small" priority="tertiary no outline" onClick={() => remove(d.from, d.to)}>
                Retirer
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={add} aria-label="Dépendance">
        <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <div className="fr-col-12 fr-col-md-4">
            <NodeSelect label="Élément dépendant" graph={graph} withActivities value={from} onChange={setFrom} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <NodeSelect label="A besoin de" graph={graph} value={to} onChange={setTo} />
          </div>
          <div className="fr-col-12 fr-col-md-4">
            <Button type="submit">Ajouter la dépendance</Button>
          </div>
        </div>
      </form>
    </>
  );
}

/** A required choice among the graph's components, and its activities too with `withActivities`. */
function NodeSelect({
  label,
  graph,
  withActivities = false,
  value,
  onChange,
}: {
  label: string;
  graph: Graph;
  withActivities?: boolean;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <Select label={label} nativeSelectProps={{ value, onChange: (e) => onChange(e.target.value), required: true }}>
      <option value="">— choisir —</option>
      {withActivities &&
        graph.activities.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} (activité)
          </option>
        ))}
      {graph.components.map((c) => (
        <option key={c.id} value={c.id}>
          {c.name}
        </option>
      ))}
    </Select>
  );
}

interface Issue {
  code: string;
  message: string;
  line?: number;
  node?: string;
  field?: string;
}

/** Import (JSON document or three CSV files) showing every line-numbered error, and export links. */
function ImportExport({ id, action, reload }: Edit) {
  const { me } = useAuth();
  const [format, setFormat] = useState<'json' | 'csv'>('json');
  const [texts, setTexts] = useState({ document: '', activities: '', components: '', dependencies: '' });
  const [issues, setIssues] = useState<{ message: string; issues: Issue[]; warnings: boolean } | null>(null);
  const readFile = (key: keyof typeof texts) => async (e: { target: HTMLInputElement }) => {
    const file = e.target.files?.[0];
    if (file) setTexts((t) => ({ ...t, [key]: '' }));
    if (file) {
      const text = await file.text();
      setTexts((t) => ({ ...t, [key]: text }));
    }
  };
  const submit = action.submit(async () => {
    setIssues(null);
    const body =
      format === 'json'
        ? { format, document: texts.document }
        : { format, activities: texts.activities, components: texts.components, dependencies: texts.dependencies };
    // A plain fetch: the import's 400 carries the list of issues (line, node), which the shared client drops.
    let response: Response;
    try {
      response = await fetch(apiUrl(continuityApi(id, 'import')), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me?.csrfToken ?? '' },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch {
      setIssues({ message: 'le serveur est injoignable', issues: [], warnings: false });
      return null;
    }
    const answer = (await response.json().catch(() => null)) as {
      error?: { message?: string; issues?: Issue[] };
      activities?: number;
      components?: number;
      dependencies?: number;
      warnings?: Issue[];
    } | null;
    if (!response.ok) {
      setIssues({
        message: answer?.error?.message ?? `import refusé (HTTP ${response.status})`,
        issues: answer?.error?.issues ?? [],
        warnings: false,
      });
      return null;
    }
    reload();
    if (answer?.warnings?.length) {
      setIssues({ message: 'Import réalisé avec des avertissements', issues: answer.warnings, warnings: true });
    }
    return `Import réussi : ${answer?.activities ?? 0} activité(s), ${answer?.components ?? 0} composant(s), ${answer?.dependencies ?? 0} dépendance(s).`;
  });
  const exportUrl = (query: Record<string, string>) => apiUrl(continuityApi(id, 'export'), query);
  return (
    <>
      <p>
        Exporter :{' '}
        <a className="fr-link" href={exportUrl({ format: 'json' })} download>
          JSON
        </a>{' '}
        ·{' '}
        <a className="fr-link" href={exportUrl({ format: 'csv', file: 'activities' })} download>
          activités (CSV)
        </a>{' '}
        ·{' '}
        <a className="fr-link" href={exportUrl({ format: 'csv', file: 'components' })} download>
          composants (CSV)
        </a>{' '}
        ·{' '}
        <a className="fr-link" href={exportUrl({ format: 'csv', file: 'dependencies' })} download>
          dépendances (CSV)
        </a>
      </p>
      <form onSubmit={submit} aria-label="Import du graphe">
        <Alert
          severity="warning"
          small
          closable={false}
          className="fr-mb-2w"
          description="L’import remplace l’ensemble des activités, composants et dépendances."
        />
        <Select
          label="Format d’import"
          nativeSelectProps={{ value: format, onChange: (e) => setFormat(e.target.value as 'json' | 'csv') }}
        >
          <option value="json">JSON (un document)</option>
          <option value="csv">CSV (trois fichiers)</option>
        </Select>
        {format === 'json' ? (
          <>
            <Input
              label="Fichier JSON"
              nativeInputProps={{ type: 'file', accept: '.json,application/json', onChange: readFile('document') }}
            />
            <TextAreaField
              label="Document JSON"
              value={texts.document}
              rows={6}
              onChange={(document) => setTexts({ ...texts, document })}
            />
          </>
        ) : (
          (['activities', 'components', 'dependencies'] as const).map((k) => (
            <TextAreaField
              key={k}
              label={`CSV des ${k === 'activities' ? 'activités' : k === 'components' ? 'composants' : 'dépendances'}`}
              value={texts[k]}
              rows={4}
              onChange={(text) => setTexts({ ...texts, [k]: text })}
            />
          ))
        )}
        <Button type="submit">Importer</Button>
      </form>
      {issues && (
        <Alert
          className="fr-mt-2w"
          severity={issues.warnings ? 'warning' : 'error'}
          title={issues.warnings ? issues.message : 'Import refusé'}
          closable={false}
          description={
            <>
              {!issues.warnings && <p>{issues.message}</p>}
              <ul data-testid="import-issues">
                {issues.issues.slice(0, 200).map((i) => (
                  <li key={`${i.code}:${i.line ?? ''}:${i.node ?? ''}:${i.field ?? ''}:${i.message}`}>
                    {i.line !== undefined ? `ligne ${i.line} : ` : ''}
                    {i.node !== undefined && i.line === undefined ? `${i.node} : ` : ''}
                    {i.message}
                  </li>
                ))}
                {issues.issues.length > 200 && <li>… et {issues.issues.length - 200} autre(s)</li>}
              </ul>
            </>
          }
        />
      )}
    </>
  );
}

export function nodeNames(graph: Graph): Map<string, string> {
  const names = new Map<string, string>();
  for (const a of graph.activities) names.set(a.id, a.name);
  for (const c of graph.components) names.set(c.id, c.name);
  return names;
}

interface Placed {
  id: string;
  name: string;
  kind: 'activity' | 'component';
  sub: string;
  x: number;
  y: number;
}

const NODE_W = 150;
const NODE_H = 44;
const GAP_X = 24;
const GAP_Y = 70;
const MAX_DRAWN = 400;

/**
 * Layered layout: activities on the top row, then each component one row below the deepest node that needs it
 * (longest path from the activities), so infrastructure sinks to the bottom. Cycles are cut where met.
 */
export function layoutGraph(graph: Graph): { nodes: Placed[]; width: number; height: number } {
  const level = new Map<string, number>();
  for (const a of graph.activities) level.set(a.id, 0);
  const known = new Set([...graph.activities.map((a) => a.id), ...graph.components.map((c) => c.id)]);
  const edges = graph.dependencies.filter((d) => known.has(d.from) && known.has(d.to));
  for (const c of graph.components) if (!level.has(c.id)) level.set(c.id, 1);
  // Bellman-Ford style relaxation bounded by the node count: a cycle cannot loop forever.
  const limit = Math.min(known.size, 200);
  for (let round = 0; round < limit; round++) {
    let changed = false;
    for (const d of edges) {
      const want = (level.get(d.from) ?? 0) + 1;
      if (want > (level.get(d.to) ?? 0) && want <= limit) {
        level.set(d.to, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = new Map<number, Placed[]>();
  const add = (p: Omit<Placed, 'x' | 'y'>) => {
    const l = level.get(p.id) ?? 0;
    const row = rows.get(l) ?? [];
    row.push({ ...p, x: 0, y: 0 });
    rows.set(l, row);
  };
  for (const a of graph.activities) add({ id: a.id, name: a.name, kind: 'activity', sub: `activité · P${a.priority}` });
  for (const c of graph.components) {
    add({
      id: c.id,
      name: c.name,
      kind: 'component',
      sub: `${COMPONENT_KIND_LABELS[c.kind] ?? c.kind} · P${c.priority}`,
    });
  }
  const levels = [...rows.keys()].sort((a, b) => a - b);
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length));
  const width = widest * (NODE_W + GAP_X) + GAP_X;
  const nodes: Placed[] = [];
  levels.forEach((l, rowIndex) => {
    const row = rows.get(l)!;
    const rowWidth = row.length * (NODE_W + GAP_X) - GAP_X;
    const start = (width - rowWidth) / 2;
    row.forEach((p, i) => {
      p.x = start + i * (NODE_W + GAP_X);
      p.y = GAP_X + rowIndex * (NODE_H + GAP_Y);
      nodes.push(p);
    });
  });
  return { nodes, width, height: GAP_X * 2 + levels.length * (NODE_H + GAP_Y) - GAP_Y };
}

function GraphDrawing({ graph }: { graph: Graph }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [zoom, setZoom] = useState(1);
  const total = graph.activities.length + graph.components.length;
  const layout = useMemo(() => (total <= MAX_DRAWN ? layoutGraph(graph) : null), [graph, total]);
  const names = useMemo(() => nodeNames(graph), [graph]);
  if (total === 0) return <p>Le graphe est vide : ajoutez des activités (page BIA) et des composants.</p>;
  if (!layout) {
    return (
      <Alert
        severity="info"
        small
        closable={false}
        description={`Graphe trop grand pour être dessiné (${total} nœuds, ${MAX_DRAWN} au plus) : utilisez l’export.`}
      />
    );
  }
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  const activity = graph.activities.find((a) => a.id === selected);
  const component = graph.components.find((c) => c.id === selected);
  return (
    <section aria-label="Dessin du graphe">
      <div className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        <Button size="small" priority="tertiary" onClick={() => setZoom((z) => Math.min(2, z + 0.25))}>
          Zoom +
        </Button>
        <Button size="small" priority="tertiary" onClick={() => setZoom((z) => Math.max(0.25, z - 0.25))}>
          Zoom −
        </Button>
      </div>
      <div style={{ overflow: 'auto', maxHeight: 560, border: '1px solid var(--border-default-grey)' }}>
        <svg
          role="img"
          aria-label="Graphe de dépendances : activités en haut, infrastructure en bas"
          data-testid="dependency-graph"
          width={layout.width * zoom}
          height={layout.height * zoom}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
              <path d="M0,0 L10,5 L0,10 z" fill="#666" />
            </marker>
          </defs>
          {graph.dependencies.map((d) => {
            const a = at.get(d.from);
            const b = at.get(d.to);
            if (!a || !b) return null;
            const hot = selected === d.from || selected === d.to;
            return (
              <line
                key={`${d.from}>${d.to}`}
                x1={a.x + NODE_W / 2}
                y1={a.y + NODE_H}
                x2={b.x + NODE_W / 2}
                y2={b.y}
                stroke={hot ? '#000091' : '#999'}
                strokeWidth={hot ? 2.5 : 1.2}
                markerEnd="url(#arrow)"
              />
            );
          })}
          {layout.nodes.map((n) => (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it takes its role
            <g
              key={n.id}
              role="button"
              tabIndex={0}
              aria-label={`${n.name} (${n.sub})`}
              transform={`translate(${n.x},${n.y})`}
              onClick={() => setSelected(n.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') setSelected(n.id);
              }}
              style={{ cursor: 'pointer' }}
            >
              <rect
                width={NODE_W}
                height={NODE_H}
                rx={n.kind === 'activity' ? 18 : 4}
                fill={n.kind === 'activity' ? '#e3e3fd' : '#f6f6f6'}
                stroke={selected === n.id ? '#000091' : '#666'}
                strokeWidth={selected === n.id ? 3 : 1}
              />
              <text x={NODE_W / 2} y={18} textAnchor="middle" fontSize="13" fontWeight="bold">
                {n.name.length > 20 ? `${n.name.slice(0, 19)}…` : n.name}
              </text>
              <text x={NODE_W / 2} y={35} textAnchor="middle" fontSize="10" fill="#444">
                {n.sub.length > 28 ? `${n.sub.slice(0, 27)}…` : n.sub}
              </text>
            </g>
          ))}
        </svg>
      </div>
      {selected && (activity || component) && (
        <div className="fr-callout fr-mt-2w" data-testid="graph-node-details">
          <h3 className="fr-callout__title">{activity?.name ?? component?.name}</h3>
          <div className="fr-callout__text">
            {activity && (
              <p>
                Activité · priorité P{activity.priority} · RTO {formatHours(activity.rtoHours)} · DMIA{' '}
                {formatHours(activity.mtdHours)} · responsable {activity.owner}
              </p>
            )}
            {component && (
              <p>
                {COMPONENT_KIND_LABELS[component.kind] ?? component.kind} · priorité P{component.priority} ·
                restauration {formatHours(component.restoreHours)}
                {component.hasAlternative ? ' · alternative disponible' : ''}
              </p>
            )}
            <p>
              A besoin de :{' '}
              {graph.dependencies
                .filter((d) => d.from === selected)
                .map((d) => names.get(d.to) ?? d.to)
                .join(', ') || 'rien'}
              <br />
              Nécessaire à :{' '}
              {graph.dependencies
                .filter((d) => d.to === selected)
                .map((d) => names.get(d.from) ?? d.from)
                .join(', ') || 'rien'}
            </p>
          </div>
        </div>
      )}
    </section>
  );
}
