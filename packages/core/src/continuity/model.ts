import { z } from 'zod';

/**
 * Business impact analysis and dependency graph of an establishment (CaRE D2.O1.C).
 * Durations are in hours. Priorities go from 1 (restore first, vital) to 5 (can wait), like the
 * priority groups P1–P5 of disaster-recovery orchestrators.
 */

/** Node ids are short and CSV/URL safe so they can name the offending node in every message. */
export const continuityIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,99}$/, 'identifiant invalide (lettres, chiffres, _ . : @ / -, 100 max.)');

export const continuityPrioritySchema = z.number().int().min(1).max(5);
export type ContinuityPriority = z.infer<typeof continuityPrioritySchema>;

/** Hours, finite, not negative, at most ten years (a bigger figure is a unit mistake). */
const hoursSchema = z.number().finite().min(0, 'durée négative').max(87_600, 'durée supérieure à dix ans');

const textSchema = (max: number) => z.string().max(max);

export const ACTIVITY_KINDS = ['care_service', 'administrative_process', 'technical_platform'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];
export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
  care_service: 'Service de soins',
  administrative_process: 'Processus administratif',
  technical_platform: 'Plateau technique',
};

export const COMPONENT_KINDS = [
  'application',
  'database',
  'server',
  'active_directory',
  'dns',
  'dhcp',
  'network',
  'firewall',
  'hypervisor',
  'storage',
  'backup_server',
  'workstation',
  'telecom',
  'external_provider',
  'other',
] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];
export const COMPONENT_KIND_LABELS: Record<ComponentKind, string> = {
  application: 'Application',
  database: 'Base de données',
  server: 'Serveur',
  active_directory: 'Active Directory',
  dns: 'DNS',
  dhcp: 'DHCP',
  network: 'Réseau',
  firewall: 'Pare-feu',
  hypervisor: 'Hyperviseur',
  storage: 'Stockage',
  backup_server: 'Serveur de sauvegarde',
  workstation: 'Postes de travail',
  telecom: 'Téléphonie',
  external_provider: 'Prestataire externe',
  other: 'Autre',
};

/** Impact levels of a BIA grid: 1 faible, 2 modéré, 3 grave, 4 critique. */
export const IMPACT_LEVEL_LABELS = ['', 'faible', 'modéré', 'grave', 'critique'] as const;

export const impactStepSchema = z.strictObject({
  afterHours: hoursSchema,
  level: z.number().int().min(1).max(4),
  description: textSchema(2_000).optional(),
});
export type ImpactStep = z.infer<typeof impactStepSchema>;

export const criticalActivitySchema = z.strictObject({
  id: continuityIdSchema,
  name: textSchema(200).min(1),
  kind: z.enum(ACTIVITY_KINDS),
  /** FINESS of the legal entity (EJ) the activity belongs to, for the GHT coverage rule. */
  entity: z.string().max(20).optional(),
  owner: textSchema(200).min(1),
  priority: continuityPrioritySchema,
  /** Maximum tolerable downtime (DMIA in French BIA grids). */
  mtdHours: hoursSchema,
  rtoHours: hoursSchema,
  rpoHours: hoursSchema,
  /** Time the service needs to resume once every dependency is back (checks, catching up the paper records). */
  resumptionHours: hoursSchema.default(0),
  impacts: z.array(impactStepSchema).max(50).default([]),
  /** The paper procedure applied while the information system is down. */
  degradedModeProcedure: textSchema(20_000).default(''),
});
export type CriticalActivity = z.infer<typeof criticalActivitySchema>;
export type CriticalActivityInput = z.input<typeof criticalActivitySchema>;

export const componentSchema = z.strictObject({
  id: continuityIdSchema,
  name: textSchema(200).min(1),
  kind: z.enum(COMPONENT_KINDS),
  owner: textSchema(200).optional(),
  priority: continuityPrioritySchema,
  /** Hours one team needs to restore the component once its own dependencies are up. */
  restoreHours: hoursSchema,
  /**
   * True when a working alternative exists without restoring this component (active cluster member on another
   * site, spare, contractual fallback). Such a component is never reported as a single point of failure.
   */
  hasAlternative: z.boolean().default(false),
  notes: textSchema(2_000).optional(),
});
export type Component = z.infer<typeof componentSchema>;
export type ComponentInput = z.input<typeof componentSchema>;

/** `from` needs `to` to work: `to` must be restored before `from`. */
export const dependencySchema = z.strictObject({
  from: continuityIdSchema,
  to: continuityIdSchema,
  note: textSchema(500).optional(),
});
export type Dependency = z.infer<typeof dependencySchema>;

export const CONTINUITY_LIMITS = {
  nodes: 200_000,
  dependencies: 1_000_000,
} as const;

export const continuityGraphSchema = z.strictObject({
  activities: z.array(criticalActivitySchema).max(CONTINUITY_LIMITS.nodes),
  components: z.array(componentSchema).max(CONTINUITY_LIMITS.nodes),
  dependencies: z.array(dependencySchema).max(CONTINUITY_LIMITS.dependencies),
});
export type ContinuityGraph = z.infer<typeof continuityGraphSchema>;
export type ContinuityGraphInput = z.input<typeof continuityGraphSchema>;

/** A problem found in imported data; `line` (CSV, 1-based physical line) or `node` names where it is. */
export interface ContinuityIssue {
  code: string;
  message: string;
  line?: number;
  node?: string;
  field?: string;
}

export type ContinuityResult<T> =
  | { ok: true; value: T; warnings: ContinuityIssue[] }
  | { ok: false; errors: ContinuityIssue[] };

/** Converts zod issues into continuity issues with a stable code per kind of mistake. */
export function issuesFromZod(error: z.ZodError, where: { line?: number; node?: string; prefix?: string }) {
  return error.issues.map((issue): ContinuityIssue => {
    const field = [where.prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    const last = String(issue.path[issue.path.length - 1] ?? '');
    let code = 'continuity.invalid_field';
    if (issue.code === 'too_small' && /Hours$/.test(last)) code = 'continuity.negative_duration';
    else if (issue.code === 'unrecognized_keys') code = 'continuity.unknown_field';
    else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message))
      code = 'continuity.missing_field';
    const out: ContinuityIssue = { code, message: `${field || 'valeur'} : ${issue.message}`, field };
    if (where.line !== undefined) out.line = where.line;
    if (where.node !== undefined) out.node = where.node;
    return out;
  });
}

/** Cross-record checks after each record parsed: ids, references, consistent durations. */
export function checkGraphConsistency(
  graph: ContinuityGraph,
  lines?: { activities?: number[]; components?: number[]; dependencies?: number[] },
  files: { activities: string; components: string; dependencies: string } = {
    activities: 'activités',
    components: 'composants',
    dependencies: 'dépendances',
  },
): { errors: ContinuityIssue[]; warnings: ContinuityIssue[] } {
  const errors: ContinuityIssue[] = [];
  const warnings: ContinuityIssue[] = [];
  let file = files.activities;
  const at = (issue: ContinuityIssue, line: number | undefined) =>
    line === undefined ? issue : { ...issue, line, message: `${file}, ligne ${line} : ${issue.message}` };
  const kindOf = new Map<string, 'activity' | 'component'>();

  graph.activities.forEach((a, i) => {
    const line = lines?.activities?.[i];
    if (kindOf.has(a.id)) {
      errors.push(
        at({ code: 'continuity.duplicate_id', message: `identifiant en double : ${a.id}`, node: a.id }, line),
      );
    }
    kindOf.set(a.id, 'activity');
    if (a.rtoHours > a.mtdHours) {
      errors.push(
        at(
          {
            code: 'continuity.rto_exceeds_mtd',
            message: `${a.id} : RTO (${a.rtoHours} h) supérieur à la durée maximale d'interruption admissible (${a.mtdHours} h)`,
            node: a.id,
            field: 'rtoHours',
          },
          line,
        ),
      );
    }
    for (let k = 1; k < a.impacts.length; k++) {
      const prev = a.impacts[k - 1]!;
      const cur = a.impacts[k]!;
      if (cur.afterHours <= prev.afterHours || cur.level < prev.level) {
        errors.push(
          at(
            {
              code: 'continuity.inconsistent_impacts',
              message: `${a.id} : les impacts doivent être donnés par durée croissante et ne pas décroître (${prev.afterHours} h niveau ${prev.level}, puis ${cur.afterHours} h niveau ${cur.level})`,
              node: a.id,
              field: 'impacts',
            },
            line,
          ),
        );
        break;
      }
    }
    if (a.degradedModeProcedure.trim() === '') {
      warnings.push(
        at(
          {
            code: 'continuity.missing_degraded_mode',
            message: `${a.id} : aucune procédure de mode dégradé`,
            node: a.id,
          },
          line,
        ),
      );
    }
  });
  file = files.components;
  graph.components.forEach((c, i) => {
    const line = lines?.components?.[i];
    if (kindOf.has(c.id)) {
      errors.push(
        at({ code: 'continuity.duplicate_id', message: `identifiant en double : ${c.id}`, node: c.id }, line),
      );
    }
    kindOf.set(c.id, 'component');
  });
  file = files.dependencies;
  const seen = new Set<string>();
  graph.dependencies.forEach((d, i) => {
    const line = lines?.dependencies?.[i];
    const fromKind = kindOf.get(d.from);
    const toKind = kindOf.get(d.to);
    const label = `${d.from} → ${d.to}`;
    if (!fromKind) {
      errors.push(
        at(
          {
            code: 'continuity.dangling_reference',
            message: `dépendance ${label} : ${d.from} n'existe pas`,
            node: d.from,
            field: 'from',
          },
          line,
        ),
      );
    }
    if (!toKind) {
      errors.push(
        at(
          {
            code: 'continuity.dangling_reference',
            message: `dépendance ${label} : ${d.to} n'existe pas`,
            node: d.to,
            field: 'to',
          },
          line,
        ),
      );
    }
    if (d.from === d.to) {
      errors.push(
        at({ code: 'continuity.self_dependency', message: `${d.from} dépend de lui-même`, node: d.from }, line),
      );
    }
    if (fromKind === 'component' && toKind === 'activity') {
      errors.push(
        at(
          {
            code: 'continuity.component_depends_on_activity',
            message: `dépendance ${label} : un composant technique ne peut pas dépendre d'une activité`,
            node: d.from,
          },
          line,
        ),
      );
    }
    const key = `${d.from}\u0000${d.to}`;
    if (seen.has(key)) {
      warnings.push(
        at({ code: 'continuity.duplicate_dependency', message: `dépendance en double : ${label}`, node: d.from }, line),
      );
    }
    seen.add(key);
  });
  return { errors, warnings };
}

/** Parses and checks a whole graph given as a plain object (JSON import, API body). */
export function parseContinuityGraph(input: unknown): ContinuityResult<ContinuityGraph> {
  const parsed = continuityGraphSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.slice(0, 100).map((issue) => {
      const [collection, index] = issue.path;
      let node: string | undefined;
      if (typeof collection === 'string' && typeof index === 'number' && input && typeof input === 'object') {
        const record = (input as Record<string, unknown>)[collection];
        const item = Array.isArray(record) ? record[index] : undefined;
        if (item && typeof item === 'object') {
          const id = (item as Record<string, unknown>).id ?? (item as Record<string, unknown>).from;
          if (typeof id === 'string') node = id.slice(0, 100);
        }
      }
      return issuesFromZod(new z.ZodError([issue]), node === undefined ? {} : { node })[0]!;
    });
    return { ok: false, errors };
  }
  const { errors, warnings } = checkGraphConsistency(parsed.data);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: parsed.data, warnings };
}
