import { LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { CATEGORY_LABELS, type EstablishmentCategory } from '../organisation/tree.js';
import { ReferentialError } from './errors.js';
import { type AnswerScale, CATEGORIES, type Referential, type Requirement, type Wording } from './referential.js';
import {
  type DocumentPath,
  locateInDocument,
  MAX_REFERENTIAL_BYTES,
  parseReferential,
  stringifyReferential,
} from './referential-file.js';

/*
 * CISO Assistant (intuitem) distributes frameworks as YAML "libraries": a header (urn, ref_id, name,
 * locale, version, provider, packager…) and `objects.framework` whose `requirement_nodes` form a flat list
 * linked by `parent_urn`, with `depth`, `assessable`, `name`/`description`, `typical_evidence`,
 * `implementation_groups`, `weight` and `annotation`.
 *
 * Mapping used here:
 * - export: axis → depth 1, objective → depth 2, requirement → depth 3 assessable node; the establishment
 *   categories become implementation groups; a mandatory requirement gets `importance: mandatory`;
 *   questions go to `description` (one per line), help to `annotation`, evidence to `typical_evidence`.
 *   Rempart-only data (answer scales, reached thresholds, dependencies, measures, indicators, wording
 *   provenance) has no place in the library format and is not exported.
 * - import: each assessable node is a requirement; its objective is its nearest non-assessable
 *   ancestor and its axis that objective's top ancestor. An assessable node with no such ancestor becomes
 *   an objective holding itself; an objective at the top is placed under one axis named after the
 *   framework. Wording is marked `imported` with the library URN: an imported text is never shown as
 *   official. Missing weights take CISO Assistant's default of 1; objectives are reached at 100 %.
 */

const nodeSchema = z.looseObject({
  urn: z.string().min(1),
  ref_id: z.union([z.string(), z.number()]).optional(),
  name: z.string().nullish(),
  description: z.string().nullish(),
  annotation: z.string().nullish(),
  typical_evidence: z.string().nullish(),
  parent_urn: z.string().nullish(),
  assessable: z.boolean(),
  depth: z.number().int().min(1).optional(),
  weight: z.number().positive().nullish(),
  importance: z.string().nullish(),
  implementation_groups: z.array(z.string()).nullish(),
});

const scoreDefinitionSchema = z.looseObject({ score: z.number(), name: z.string(), description: z.string().nullish() });

const librarySchema = z.looseObject({
  urn: z.string().min(1),
  locale: z.string().min(2),
  ref_id: z.union([z.string(), z.number()]),
  name: z.string().min(1),
  description: z.string().nullish(),
  copyright: z.string().nullish(),
  version: z.number().int().min(1),
  publication_date: z.string().nullish(),
  provider: z.string().nullish(),
  packager: z.string().nullish(),
  objects: z.looseObject({
    framework: z.looseObject({
      urn: z.string().min(1),
      ref_id: z.union([z.string(), z.number()]).optional(),
      name: z.string().min(1),
      description: z.string().nullish(),
      min_score: z.number().optional(),
      max_score: z.number().optional(),
      scores_definition: z.array(scoreDefinitionSchema).nullish(),
      requirement_nodes: z.array(nodeSchema).min(1, 'aucun nœud d’exigence'),
    }),
  }),
});

type CisoNode = z.infer<typeof nodeSchema>;

export interface CisoImportOptions {
  /** Date of the import, `YYYY-MM-DD`, used when the library has no publication date. */
  today: string;
}

const CATEGORY_SET = new Set<string>(CATEGORIES);

/** Turns any CISO ref_id into a Rempart id (letters, digits, `.`, `_`, `-`), unique within `taken`. */
function toId(raw: string, taken: Set<string>): string {
  const base =
    raw
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 56) || 'node';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function textOf(node: CisoNode): { title: string; questions: string[] } {
  const name = node.name?.trim();
  const description = node.description?.trim();
  const refId = node.ref_id === undefined ? '' : String(node.ref_id);
  const title = name || (description ? description.slice(0, 200) : refId) || node.urn;
  const questions = description
    ? description
        .split('\n')
        .map((q) => q.trim())
        .filter(Boolean)
    : [title];
  return { title, questions: questions.length > 0 ? questions : [title] };
}

function scaleFrom(framework: z.infer<typeof librarySchema>['objects']['framework']): AnswerScale {
  const defs = framework.scores_definition ?? [];
  if (defs.length >= 2) {
    const min = framework.min_score ?? Math.min(...defs.map((d) => d.score));
    const max = framework.max_score ?? Math.max(...defs.map((d) => d.score));
    const span = max - min || 1;
    const levels = defs.map((d) => ({
      id: `score_${d.score}`.replace(/[^A-Za-z0-9._-]/g, '_'),
      label: d.name,
      score: Math.min(1, Math.max(0, (d.score - min) / span)),
    }));
    const top = [...levels].sort((a, b) => b.score - a.score)[0]!;
    return { id: 'ciso_score', label: 'Échelle de score du référentiel importé', levels, metFrom: top.id };
  }
  // CISO Assistant's own compliance results for a requirement assessment.
  return {
    id: 'compliance',
    label: 'Conformité',
    metFrom: 'compliant',
    levels: [
      { id: 'non_compliant', label: 'Non conforme', score: 0 },
      { id: 'partially_compliant', label: 'Partiellement conforme', score: 0.5 },
      { id: 'compliant', label: 'Conforme', score: 1 },
    ],
  };
}

function invalid(
  source: string,
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: DocumentPath,
  message: string,
) {
  return new ReferentialError(source, [
    { code: 'schema', ...locateInDocument(doc, counter, path), path: path.join('.'), message },
  ]);
}

/**
 * Reads a CISO Assistant YAML library holding a framework and converts it into a Rempart referential,
 * validated like any other. Refusals carry the line and the reason.
 */
export function importCisoLibrary(
  source: string,
  options: CisoImportOptions,
  sourceName = 'bibliothèque',
): Referential {
  if (source.length > MAX_REFERENTIAL_BYTES) {
    throw new ReferentialError(sourceName, [
      { code: 'too_large', line: 0, column: 0, path: '', message: 'fichier trop volumineux' },
    ]);
  }
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ReferentialError(
      sourceName,
      doc.errors.map((e) => ({
        code: 'yaml_syntax' as const,
        ...(({ line, col }) => ({ line, column: col }))(counter.linePos(e.pos[0])),
        path: '',
        message: e.message.split('\n')[0]!,
      })),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    throw new ReferentialError(sourceName, [
      { code: 'yaml_syntax', line: 0, column: 0, path: '', message: (error as Error).message },
    ]);
  }
  const parsed = librarySchema.safeParse(raw, { error: z.locales.fr().localeError });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(sourceName, doc, counter, issue.path as DocumentPath, issue.message);
  }
  const library = parsed.data;
  const framework = library.objects.framework;
  const nodes = framework.requirement_nodes;
  const nodePath = (i: number): DocumentPath => ['objects', 'framework', 'requirement_nodes', i];

  const byUrn = new Map<string, { node: CisoNode; index: number }>();
  nodes.forEach((node, index) => {
    if (byUrn.has(node.urn)) {
      throw new ReferentialError(sourceName, [
        {
          code: 'duplicate_id',
          ...locateInDocument(doc, counter, [...nodePath(index), 'urn']),
          path: nodePath(index).join('.'),
          message: `URN « ${node.urn} » en double`,
        },
      ]);
    }
    byUrn.set(node.urn, { node, index });
  });
  const parentOf = (node: CisoNode) => {
    if (!node.parent_urn) return undefined;
    const parent = byUrn.get(node.parent_urn);
    if (!parent) {
      throw invalid(
        sourceName,
        doc,
        counter,
        [...nodePath(byUrn.get(node.urn)!.index), 'parent_urn'],
        `parent « ${node.parent_urn} » absent de la bibliothèque`,
      );
    }
    return parent.node;
  };
  const ancestors = (node: CisoNode): CisoNode[] => {
    const chain: CisoNode[] = [];
    const seen = new Set([node.urn]);
    for (let p = parentOf(node); p; p = parentOf(p)) {
      if (seen.has(p.urn)) {
        throw invalid(
          sourceName,
          doc,
          counter,
          [...nodePath(byUrn.get(p.urn)!.index), 'parent_urn'],
          'cycle dans parent_urn',
        );
      }
      seen.add(p.urn);
      chain.push(p);
    }
    return chain;
  };

  const wording: Wording = {
    kind: 'imported',
    library: library.urn,
    ...(library.provider ? { provider: library.provider } : {}),
  };
  const scale = scaleFrom(framework);
  const taken = new Set<string>();
  const frameworkRef = String(framework.ref_id ?? library.ref_id);
  const ids = new Map<string, string>();
  const idOf = (node: CisoNode, suffix = '') => {
    const key = `${node.urn}${suffix}`;
    let id = ids.get(key);
    if (!id) {
      id = toId(`${node.ref_id ?? node.urn.split(':').at(-1)}${suffix}`, taken);
      ids.set(key, id);
    }
    return id;
  };

  type Draft = Referential['axes'][number];
  const axes = new Map<string, Draft>();
  const objectives = new Map<string, Draft['objectives'][number]>();
  const syntheticAxis = `${frameworkRef}#framework`;

  for (const node of nodes) {
    if (!node.assessable) continue;
    const chain = ancestors(node);
    const objectiveNode = chain.find((n) => !n.assessable);
    const top = chain.at(-1);
    const axisNode = objectiveNode && top && top !== objectiveNode ? top : undefined;
    const axisKey = axisNode?.urn ?? syntheticAxis;
    let axis = axes.get(axisKey);
    if (!axis) {
      axis = {
        id: axisNode ? idOf(axisNode) : toId(frameworkRef, taken),
        title: axisNode ? textOf(axisNode).title : framework.name,
        weight: 1,
        wording,
        objectives: [],
      };
      if (axisNode?.description && axisNode.name) axis.description = axisNode.description;
      axes.set(axisKey, axis);
    }
    const objectiveKey = objectiveNode?.urn ?? `${node.urn}#objective`;
    let objective = objectives.get(objectiveKey);
    if (!objective) {
      const holder = objectiveNode ?? node;
      objective = {
        id: idOf(holder),
        title: textOf(holder).title,
        weight: 1,
        wording,
        reached: { threshold: 1 },
        dependsOn: [],
        requirements: [],
      };
      if (objectiveNode?.description && objectiveNode.name) objective.description = objectiveNode.description;
      objectives.set(objectiveKey, objective);
      axis.objectives.push(objective);
    }
    const { title, questions } = textOf(node);
    const groups = node.implementation_groups ?? [];
    const requirement: Requirement = {
      id: objectiveNode ? idOf(node) : idOf(node, '.req'),
      title,
      questions,
      scale: scale.id,
      weight: node.weight ?? 1,
      mandatory: node.importance === 'mandatory',
      applicability:
        groups.length > 0 && groups.every((g) => CATEGORY_SET.has(g))
          ? (groups as EstablishmentCategory[])
          : [...CATEGORIES],
      evidence: (node.typical_evidence ?? '')
        .split('\n')
        .map((e) => e.trim())
        .filter(Boolean),
      measures: [],
      wording,
    };
    if (node.annotation?.trim()) requirement.help = node.annotation.trim();
    objective.requirements.push(requirement);
  }
  if (axes.size === 0) {
    throw invalid(sourceName, doc, counter, ['objects', 'framework', 'requirement_nodes'], 'aucune exigence évaluable');
  }

  const date =
    library.publication_date && /^\d{4}-\d{2}-\d{2}$/.test(library.publication_date)
      ? library.publication_date
      : options.today;
  const localId = toId(String(library.ref_id), new Set());
  const referential: Referential = {
    id: localId,
    urn: library.urn.startsWith('urn:rempart:risk:library:')
      ? `urn:rempart:referential:${library.urn.slice('urn:rempart:risk:library:'.length)}`
      : library.urn.toLowerCase().replace(/[^a-z0-9:._-]/g, '-'),
    version: library.version,
    locale: library.locale,
    name: library.name,
    description: library.description?.trim() || framework.description?.trim() || library.name,
    publicationDate: date,
    provenance: {
      publisher: library.provider?.trim() || library.packager?.trim() || 'inconnu',
      sources: [],
      ...(library.copyright?.trim() ? { licence: library.copyright.trim() } : {}),
      note: `Importé depuis la bibliothèque CISO Assistant ${library.urn}${library.packager ? ` (packager ${library.packager})` : ''}.`,
    },
    changelog: [
      { version: library.version, date, changes: [`Import de la bibliothèque CISO Assistant ${library.urn}.`] },
    ],
    scales: [scale],
    measures: [],
    axes: [...axes.values()],
  };
  // Re-read through the Rempart validator so an import obeys exactly the same rules as a hand-written file.
  return parseReferential(stringifyReferential(referential), sourceName);
}

function nodeUrn(referential: Referential, id: string): string {
  return `urn:rempart:risk:req_node:${referential.id}:${id}`.toLowerCase();
}

/** Writes a referential as a CISO Assistant YAML library (framework object only). */
export function exportCisoLibrary(referential: Referential): string {
  const nodes: Record<string, unknown>[] = [];
  const orNull = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  for (const axis of referential.axes) {
    const axisUrn = nodeUrn(referential, axis.id);
    nodes.push({
      urn: axisUrn,
      assessable: false,
      depth: 1,
      ref_id: axis.id,
      name: axis.title,
      ...orNull('description', axis.description),
    });
    for (const objective of axis.objectives) {
      const objectiveUrn = nodeUrn(referential, objective.id);
      nodes.push({
        urn: objectiveUrn,
        assessable: false,
        depth: 2,
        parent_urn: axisUrn,
        ref_id: objective.id,
        name: objective.title,
        ...orNull('description', objective.description),
      });
      for (const r of objective.requirements) {
        nodes.push({
          urn: nodeUrn(referential, r.id),
          assessable: true,
          depth: 3,
          parent_urn: objectiveUrn,
          ref_id: r.id,
          name: r.title,
          description: r.questions.join('\n'),
          ...orNull('annotation', r.help),
          ...(r.evidence.length > 0 ? { typical_evidence: r.evidence.join('\n') } : {}),
          implementation_groups: r.applicability,
          weight: r.weight,
          ...(r.mandatory ? { importance: 'mandatory' } : {}),
        });
      }
    }
  }
  const libraryName = referential.urn.startsWith('urn:rempart:referential:')
    ? referential.urn.slice('urn:rempart:referential:'.length)
    : referential.id;
  const library = {
    urn: `urn:rempart:risk:library:${libraryName}`.toLowerCase(),
    locale: referential.locale,
    ref_id: referential.id,
    name: referential.name,
    description: referential.description,
    copyright: referential.provenance.licence ?? referential.provenance.publisher,
    version: referential.version,
    publication_date: referential.publicationDate,
    provider: referential.provenance.publisher,
    packager: 'rempart',
    objects: {
      framework: {
        urn: `urn:rempart:risk:framework:${libraryName}`.toLowerCase(),
        ref_id: referential.id,
        name: referential.name,
        description: referential.description,
        min_score: 0,
        max_score: 100,
        implementation_groups_definition: CATEGORIES.map((c) => ({ ref_id: c, name: CATEGORY_LABELS[c] })),
        requirement_nodes: nodes,
      },
    },
  };
  return stringify(library, { lineWidth: 0, aliasDuplicateObjects: false });
}
