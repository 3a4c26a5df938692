import { type Document, isNode, LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { ReferentialError, type ReferentialIssue, type ReferentialIssueCode } from './errors.js';
import {
  CATEGORIES,
  EFFORTS,
  PRIORITIES,
  REFERENTIAL_FORMAT,
  type Referential,
  type Requirement,
  type Wording,
} from './referential.js';

/** Largest referential file accepted; the CaRE referential is well under 1 MB. */
export const MAX_REFERENTIAL_BYTES = 4 * 1024 * 1024;

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'identifiant invalide (lettres, chiffres, . _ -)');
const text = z.string().trim().min(1, 'texte vide');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ');
const httpsUrl = z.string().regex(/^https?:\/\/[^\s]+$/, 'URL http(s) attendue');
const weight = z.number({ error: (i) => (i.input === undefined ? 'poids manquant' : 'poids numérique attendu') }).gt(0);
const category = z.enum(CATEGORIES as [string, ...string[]]);

const wordingSchema = z.union([
  z.literal('rempart').transform((): Wording => ({ kind: 'rempart' })),
  z.strictObject({ kind: z.literal('official'), source: httpsUrl }),
  z.strictObject({ kind: z.literal('rempart'), note: text.optional() }),
  z.strictObject({ kind: z.literal('imported'), library: text, provider: text.optional() }),
]);

const levelSchema = z.strictObject({ id, label: text, score: z.number().min(0).max(1) });
const scaleSchema = z.strictObject({
  id,
  label: text,
  levels: z.array(levelSchema).min(2, 'une échelle compte au moins deux niveaux'),
  met_from: id,
});

const measureSchema = z.strictObject({
  id,
  title: text,
  why: text,
  how: text,
  effort: z.enum(EFFORTS as [string, ...string[]]),
  priority: z.enum(PRIORITIES as [string, ...string[]]),
  cost: z.strictObject({ build: z.number().min(0), run: z.number().min(0), note: text.optional() }),
});

const conditionSchema = z
  .strictObject({
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    equals: z.union([z.boolean(), z.number(), z.string()]).optional(),
  })
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'condition vide');

const indicatorSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'clé d’indicateur attendue, ex. ad.anssi_level'),
  answers: z.array(z.strictObject({ when: conditionSchema, level: id })).min(1, 'au moins une règle'),
  otherwise: id.optional(),
});

const requirementSchema = z.strictObject({
  id,
  title: text,
  questions: z.array(text).min(1, 'au moins une question'),
  help: text.optional(),
  scale: id,
  weight,
  mandatory: z.boolean().default(false),
  applicability: z.array(category).min(1).optional(),
  evidence: z.array(text).default([]),
  indicator: indicatorSchema.optional(),
  measures: z.array(id).default([]),
  wording: wordingSchema,
});

const objectiveSchema = z.strictObject({
  id,
  title: text,
  description: text.optional(),
  weight,
  wording: wordingSchema,
  reached: z.strictObject({ threshold: z.number().min(0).max(1) }),
  depends_on: z.array(id).default([]),
  requirements: z.array(requirementSchema).min(1, 'un objectif compte au moins une exigence'),
});

const axisSchema = z.strictObject({
  id,
  title: text,
  description: text.optional(),
  weight,
  wording: wordingSchema,
  objectives: z.array(objectiveSchema).min(1, 'un axe compte au moins un objectif'),
});

const fileSchema = z.strictObject({
  format: z.literal(REFERENTIAL_FORMAT),
  id,
  urn: z.string().regex(/^urn:[a-z0-9-]+(:[A-Za-z0-9._-]+)+$/, 'URN invalide'),
  version: z.number().int().min(1),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'locale attendue, ex. fr'),
  name: text,
  description: text,
  publication_date: isoDate,
  provenance: z.strictObject({
    publisher: text,
    sources: z.array(z.strictObject({ title: text, url: httpsUrl })).default([]),
    licence: text.optional(),
    note: text.optional(),
  }),
  changelog: z
    .array(z.strictObject({ version: z.number().int().min(1), date: isoDate, changes: z.array(text).min(1) }))
    .min(1, 'journal des modifications vide'),
  scales: z.array(scaleSchema).min(1, 'aucune échelle de réponse déclarée'),
  measures: z.array(measureSchema).default([]),
  framework: z.strictObject({ axes: z.array(axisSchema).min(1, 'aucun axe') }),
});

type FileShape = z.infer<typeof fileSchema>;

/** Zod's own French messages, for the checks that carry no message of their own. */
const frenchMessages = z.locales.fr().localeError;
export type DocumentPath = (string | number)[];

/** Maps a document path to a 1-based line/column, walking up to the nearest node that exists. */
export function locateInDocument(
  doc: Document,
  counter: LineCounter,
  path: DocumentPath,
): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = counter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 0, column: 0 };
}

function toFile(data: FileShape): Referential {
  return {
    id: data.id,
    urn: data.urn,
    version: data.version,
    locale: data.locale,
    name: data.name,
    description: data.description,
    publicationDate: data.publication_date,
    provenance: data.provenance,
    changelog: data.changelog,
    scales: data.scales.map((s) => ({ id: s.id, label: s.label, levels: s.levels, metFrom: s.met_from })),
    measures: data.measures.map((m) => ({ ...m, effort: m.effort as never, priority: m.priority as never })),
    axes: data.framework.axes.map((a) => ({
      id: a.id,
      title: a.title,
      ...(a.description ? { description: a.description } : {}),
      weight: a.weight,
      wording: a.wording,
      objectives: a.objectives.map((o) => ({
        id: o.id,
        title: o.title,
        ...(o.description ? { description: o.description } : {}),
        weight: o.weight,
        wording: o.wording,
        reached: o.reached,
        dependsOn: o.depends_on,
        requirements: o.requirements.map(
          (r): Requirement => ({
            id: r.id,
            title: r.title,
            questions: r.questions,
            ...(r.help ? { help: r.help } : {}),
            scale: r.scale,
            weight: r.weight,
            mandatory: r.mandatory,
            applicability: (r.applicability ?? [...CATEGORIES]) as Requirement['applicability'],
            evidence: r.evidence,
            ...(r.indicator ? { indicator: r.indicator } : {}),
            measures: r.measures,
            wording: r.wording,
          }),
        ),
      })),
    })),
  };
}

interface RawIssue {
  code: ReferentialIssueCode;
  path: DocumentPath;
  message: string;
}

/** Cross-reference checks zod cannot express: unique ids, known scales/levels/measures, acyclic dependencies. */
function crossCheck(data: FileShape): RawIssue[] {
  const issues: RawIssue[] = [];
  const seen = (kind: string) => {
    const ids = new Map<string, DocumentPath>();
    return (value: string, path: DocumentPath) => {
      const first = ids.get(value);
      if (first) {
        issues.push({ code: 'duplicate_id', path, message: `identifiant ${kind} « ${value} » déjà utilisé` });
      } else ids.set(value, path);
    };
  };
  const scaleSeen = seen('d’échelle');
  const scales = new Map<string, Set<string>>();
  data.scales.forEach((scale, s) => {
    scaleSeen(scale.id, ['scales', s, 'id']);
    const levelSeen = seen('de niveau');
    scale.levels.forEach((level, l) => {
      levelSeen(level.id, ['scales', s, 'levels', l, 'id']);
    });
    const levels = new Set(scale.levels.map((l) => l.id));
    scales.set(scale.id, levels);
    if (!levels.has(scale.met_from)) {
      issues.push({
        code: 'unknown_level',
        path: ['scales', s, 'met_from'],
        message: `niveau « ${scale.met_from} » absent de l’échelle ${scale.id}`,
      });
    }
  });
  const measureSeen = seen('de mesure');
  data.measures.forEach((m, i) => {
    measureSeen(m.id, ['measures', i, 'id']);
  });
  const measures = new Set(data.measures.map((m) => m.id));

  const nodeSeen = seen('d’axe, d’objectif ou d’exigence');
  const objectives = new Map<string, { deps: string[]; path: DocumentPath }>();
  data.framework.axes.forEach((axis, a) => {
    const axisPath: DocumentPath = ['framework', 'axes', a];
    nodeSeen(axis.id, [...axisPath, 'id']);
    axis.objectives.forEach((objective, o) => {
      const objectivePath: DocumentPath = [...axisPath, 'objectives', o];
      nodeSeen(objective.id, [...objectivePath, 'id']);
      objectives.set(objective.id, { deps: objective.depends_on, path: objectivePath });
      objective.requirements.forEach((req, r) => {
        const reqPath: DocumentPath = [...objectivePath, 'requirements', r];
        nodeSeen(req.id, [...reqPath, 'id']);
        const levels = scales.get(req.scale);
        if (!levels) {
          issues.push({
            code: 'unknown_scale',
            path: [...reqPath, 'scale'],
            message: `échelle « ${req.scale} » non déclarée`,
          });
        }
        const indicatorLevels: [string, DocumentPath][] = (req.indicator?.answers ?? []).map((a, i) => [
          a.level,
          [...reqPath, 'indicator', 'answers', i, 'level'],
        ]);
        if (req.indicator?.otherwise)
          indicatorLevels.push([req.indicator.otherwise, [...reqPath, 'indicator', 'otherwise']]);
        for (const [level, path] of indicatorLevels) {
          if (levels && !levels.has(level)) {
            issues.push({
              code: 'unknown_level',
              path,
              message: `niveau « ${level} » absent de l’échelle ${req.scale}`,
            });
          }
        }
        req.measures.forEach((m, i) => {
          if (!measures.has(m)) {
            issues.push({
              code: 'unknown_measure',
              path: [...reqPath, 'measures', i],
              message: `mesure « ${m} » non déclarée`,
            });
          }
        });
      });
    });
  });

  for (const [objectiveId, { deps, path }] of objectives) {
    deps.forEach((dep, i) => {
      if (!objectives.has(dep)) {
        issues.push({
          code: 'unknown_objective',
          path: [...path, 'depends_on', i],
          message: `objectif « ${dep} » inconnu (dépendance de ${objectiveId})`,
        });
      }
    });
  }
  issues.push(...findCycles(objectives));

  const versions = data.changelog.map((c) => c.version);
  if (!versions.includes(data.version)) {
    issues.push({
      code: 'changelog',
      path: ['changelog'],
      message: `le journal des modifications ne décrit pas la version ${data.version}`,
    });
  }
  data.changelog.forEach((entry, i) => {
    if (entry.version > data.version) {
      issues.push({
        code: 'changelog',
        path: ['changelog', i, 'version'],
        message: `version ${entry.version} postérieure à la version du référentiel (${data.version})`,
      });
    }
  });
  return issues;
}

/** Depth-first search over `depends_on`; each cycle is reported once, at the objective that closes it. */
function findCycles(objectives: Map<string, { deps: string[]; path: DocumentPath }>): RawIssue[] {
  const issues: RawIssue[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    const entry = objectives.get(node);
    entry?.deps.forEach((dep, i) => {
      if (!objectives.has(dep)) return;
      const s = state.get(dep);
      if (s === 'open') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        issues.push({
          code: 'dependency_cycle',
          path: [...entry.path, 'depends_on', i],
          message: `dépendance circulaire entre objectifs : ${cycle.join(' → ')}`,
        });
      } else if (s === undefined) visit(dep);
    });
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of objectives.keys()) if (!state.has(node)) visit(node);
  return issues;
}

function zodIssueCode(issue: z.core.$ZodIssue): ReferentialIssueCode {
  return issue.path[issue.path.length - 1] === 'weight' ? 'missing_weight' : 'schema';
}

/**
 * Parses and validates a referential written in the Rempart YAML format. Every problem is reported at
 * once with its line, column and reason, in a `ReferentialError`; nothing partially valid is returned.
 */
export function parseReferential(source: string, sourceName = 'référentiel'): Referential {
  if (source.length > MAX_REFERENTIAL_BYTES) {
    throw new ReferentialError(sourceName, [
      {
        code: 'too_large',
        line: 0,
        column: 0,
        path: '',
        message: `fichier trop volumineux (${source.length} octets, maximum ${MAX_REFERENTIAL_BYTES})`,
      },
    ]);
  }
  const counter = new LineCounter();
  const doc = parseDocument(source, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const syntax = [...doc.errors];
  if (syntax.length > 0) {
    throw new ReferentialError(
      sourceName,
      syntax.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return {
          code: 'yaml_syntax',
          line: pos.line,
          column: pos.col,
          path: '',
          message: e.code === 'DUPLICATE_KEY' ? 'clé en double dans le même bloc' : e.message.split('\n')[0]!,
        };
      }),
    );
  }
  let raw: unknown;
  try {
    // Alias expansion is capped so a "billion laughs" document cannot exhaust memory.
    raw = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    throw new ReferentialError(sourceName, [
      { code: 'yaml_syntax', line: 0, column: 0, path: '', message: (error as Error).message },
    ]);
  }
  const parsed = fileSchema.safeParse(raw, { error: frenchMessages });
  const place = (code: ReferentialIssueCode, path: DocumentPath, message: string): ReferentialIssue => ({
    code,
    ...locateInDocument(doc, counter, path),
    path: path.join('.'),
    message,
  });
  if (!parsed.success) {
    throw new ReferentialError(
      sourceName,
      parsed.error.issues.map((i) => place(zodIssueCode(i), i.path as DocumentPath, i.message)),
    );
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) {
    throw new ReferentialError(
      sourceName,
      problems.map((p) => place(p.code, p.path, p.message)),
    );
  }
  return toFile(parsed.data);
}

/** The referential in the file shape (snake_case keys, defaults written out), ready for YAML. */
export function referentialToDocument(referential: Referential): Record<string, unknown> {
  const optional = <T>(key: string, value: T | undefined) => (value === undefined ? {} : { [key]: value });
  return {
    format: REFERENTIAL_FORMAT,
    id: referential.id,
    urn: referential.urn,
    version: referential.version,
    locale: referential.locale,
    name: referential.name,
    description: referential.description,
    publication_date: referential.publicationDate,
    provenance: referential.provenance,
    changelog: referential.changelog,
    scales: referential.scales.map((s) => ({ id: s.id, label: s.label, met_from: s.metFrom, levels: s.levels })),
    measures: referential.measures,
    framework: {
      axes: referential.axes.map((a) => ({
        id: a.id,
        title: a.title,
        ...optional('description', a.description),
        weight: a.weight,
        wording: a.wording,
        objectives: a.objectives.map((o) => ({
          id: o.id,
          title: o.title,
          ...optional('description', o.description),
          weight: o.weight,
          wording: o.wording,
          reached: o.reached,
          depends_on: o.dependsOn,
          requirements: o.requirements.map((r) => ({
            id: r.id,
            title: r.title,
            questions: r.questions,
            ...optional('help', r.help),
            scale: r.scale,
            weight: r.weight,
            mandatory: r.mandatory,
            applicability: r.applicability,
            evidence: r.evidence,
            ...optional('indicator', r.indicator),
            measures: r.measures,
            wording: r.wording,
          })),
        })),
      })),
    },
  };
}

/** Writes a referential in the Rempart YAML format; `parseReferential` reads it back unchanged. */
export function stringifyReferential(referential: Referential): string {
  return stringify(referentialToDocument(referential), { lineWidth: 0, aliasDuplicateObjects: false });
}
