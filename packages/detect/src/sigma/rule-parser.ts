import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

const logsourceSchema = z
  .object({
    product: z.string().optional(),
    category: z.string().optional(),
    service: z.string().optional(),
    definition: z.string().optional(),
  })
  .passthrough();

const stringList = z.union([z.string(), z.array(z.string())]);

const detectionRuleSchema = z
  .object({
    title: z.string().min(1),
    id: z.string().optional(),
    name: z.string().optional(),
    status: z.string().optional(),
    description: z.string().optional(),
    author: z.string().optional(),
    references: z.array(z.unknown()).optional(),
    tags: z.array(z.string()).optional(),
    level: z.enum(LEVELS).optional(),
    logsource: logsourceSchema,
    detection: z.record(z.string(), z.unknown()),
    fields: z.array(z.unknown()).optional(),
    falsepositives: z.union([z.string(), z.array(z.unknown())]).optional(),
  })
  .passthrough();

const correlationSchema = z
  .object({
    title: z.string().min(1),
    id: z.string().optional(),
    name: z.string().optional(),
    level: z.enum(LEVELS).optional(),
    tags: z.array(z.string()).optional(),
    correlation: z
      .object({
        type: z.string(),
        rules: stringList,
        'group-by': stringList.optional(),
        timespan: z.string(),
        condition: z.unknown().optional(),
        aliases: z.record(z.string(), z.record(z.string(), z.string())).optional(),
        generate: z.boolean().optional(),
        ordered: z.boolean().optional(),
      })
      .passthrough(),
    generate: z.boolean().optional(),
  })
  .passthrough();

export type Logsource = z.infer<typeof logsourceSchema>;

/** A Sigma detection rule as read from YAML, before compilation. */
export interface SigmaRule {
  kind: 'rule';
  title: string;
  id?: string;
  name?: string;
  level: Level;
  status?: string;
  tags: string[];
  logsource: Logsource;
  detection: Record<string, unknown>;
  source: string;
}

/** A Sigma correlation rule (spec v2). */
export interface SigmaCorrelationRule {
  kind: 'correlation';
  title: string;
  id?: string;
  name?: string;
  level: Level;
  tags: string[];
  type: string;
  rules: string[];
  groupBy: string[];
  timespan: string;
  condition: unknown;
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
  source: string;
}

export type SigmaDocument = SigmaRule | SigmaCorrelationRule;

/** A rule file or document that could not be read, with a stable code. */
export interface RuleProblem {
  code: 'yaml' | 'schema' | 'unsupported' | 'regex' | 'condition' | 'logsource';
  source: string;
  ruleId?: string;
  title?: string;
  message: string;
}

const MAX_RULE_TEXT = 1024 * 1024;

const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Parses a YAML text holding one or more Sigma documents (rules, correlations); problems are returned, never thrown. */
export function parseSigmaYaml(
  text: string,
  source: string,
): { documents: SigmaDocument[]; problems: RuleProblem[]; ignored: number } {
  const documents: SigmaDocument[] = [];
  const problems: RuleProblem[] = [];
  let ignored = 0;
  if (text.length > MAX_RULE_TEXT) {
    problems.push({ code: 'yaml', source, message: `fichier de règle trop volumineux (${text.length} caractères)` });
    return { documents, problems, ignored };
  }
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false });
  } catch (e) {
    problems.push({ code: 'yaml', source, message: `YAML illisible : ${(e as Error).message}` });
    return { documents, problems, ignored };
  }
  if (!Array.isArray(docs)) docs = [docs];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      problems.push({ code: 'yaml', source, message: `YAML invalide : ${doc.errors[0]!.message.split('\n')[0]}` });
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      problems.push({ code: 'yaml', source, message: `YAML invalide : ${(e as Error).message}` });
      continue;
    }
    if (value === null || value === undefined) continue;
    // YAML that is not a Sigma document at all (e.g. SigmaHQ's regression info.yml) is counted, not parsed.
    if (typeof value !== 'object' || !['logsource', 'detection', 'correlation'].some((k) => k in (value as object))) {
      if (typeof value === 'object' && !Array.isArray(value) && 'title' in (value as object)) {
        problems.push({ code: 'schema', source, message: 'règle sans logsource ni detection ni correlation' });
      } else ignored++;
      continue;
    }
    if (typeof value === 'object' && value !== null && 'correlation' in value) {
      const parsed = correlationSchema.safeParse(value);
      if (!parsed.success) {
        problems.push({ code: 'schema', source, message: schemaMessage(parsed.error) });
        continue;
      }
      const c = parsed.data;
      documents.push({
        kind: 'correlation',
        title: c.title,
        id: c.id,
        name: c.name,
        level: c.level ?? 'medium',
        tags: c.tags ?? [],
        type: c.correlation.type,
        rules: asList(c.correlation.rules),
        groupBy: asList(c.correlation['group-by']),
        timespan: c.correlation.timespan,
        condition: c.correlation.condition,
        aliases: c.correlation.aliases ?? {},
        generate: c.correlation.generate ?? c.generate ?? false,
        source,
      });
      continue;
    }
    if (typeof value === 'object' && value !== null && (value as { action?: unknown }).action !== undefined) {
      problems.push({
        code: 'unsupported',
        source,
        message: 'collections de règles Sigma v1 (action: global/reset/repeat) non prises en charge',
      });
      continue;
    }
    const parsed = detectionRuleSchema.safeParse(value);
    if (!parsed.success) {
      const v = value as { id?: unknown; title?: unknown };
      problems.push({
        code: 'schema',
        source,
        ruleId: typeof v.id === 'string' ? v.id : undefined,
        title: typeof v.title === 'string' ? v.title : undefined,
        message: schemaMessage(parsed.error),
      });
      continue;
    }
    const r = parsed.data;
    documents.push({
      kind: 'rule',
      title: r.title,
      id: r.id,
      name: r.name,
      level: r.level ?? 'medium',
      status: r.status,
      tags: r.tags ?? [],
      logsource: r.logsource,
      detection: r.detection,
      source,
    });
  }
  return { documents, problems, ignored };
}

function schemaMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  return `règle invalide : ${issue ? `${issue.path.join('.') || '(racine)'} — ${issue.message}` : 'schéma'}`;
}
