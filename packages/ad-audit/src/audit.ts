import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from './bundle.js';
import type { DirectorySnapshot, IncompleteRecord, Phase } from './model.js';
import { type AffectedObject, EVALUATORS, evalContext } from './rules/evaluators.js';
import { CATEGORIES, type Category, loadDefaultRuleSet, type RuleDefinition, type RuleSet } from './rules/ruleset.js';

export type FindingStatus = 'failed' | 'passed' | 'not_evaluated' | 'accepted';

export interface Finding {
  ruleId: string;
  title: string;
  category: Category;
  anssi: string | null;
  anssiLevel: number | null;
  status: FindingStatus;
  points: number;
  /** Count of affected objects (the list may be truncated to MAX_LISTED). */
  affectedCount: number;
  affected: AffectedObject[];
  rationale: string;
  remediation: string;
  references: string[];
  /** Why the rule could not be evaluated, or the accepted-risk exception that covers it. */
  note?: string;
}

export interface AuditBundle {
  format: 'rempart-ad-audit';
  formatVersion: 1;
  rulesetVersion: string;
  checklist: string;
  generatedAt: string;
  domain: { dnsName: string; sid: string; netbiosName: string | null };
  source: DirectorySnapshot['source'] | 'pingcastle';
  server: string | null;
  counts: { users: number; computers: number; groups: number };
  scores: { global: number; categories: Record<Category, number> };
  /** ANSSI level reached (1–5): the lowest level among failing points, 5 when none fails. */
  anssiLevel: number;
  incomplete: DirectorySnapshot['incomplete'];
  findings: Finding[];
}

export const exceptionSchema = z.object({
  ruleId: z.string().min(1),
  justification: z.string().min(10),
  owner: z.string().min(1),
  expires: z.iso.date(),
});
export type RiskException = z.infer<typeof exceptionSchema>;
export const exceptionsFileSchema = z.object({ exceptions: z.array(exceptionSchema) });

const MAX_LISTED = 1000;
/** Opens the note of a rule that met objects it could not judge (malformed or missing data). */
const UNREADABLE_NOTE = 'données illisibles';

function pointsFor(rule: RuleDefinition, value: number, count: number): number {
  const c = rule.computation;
  switch (c.type) {
    case 'presence':
      return count > 0 ? c.points : 0;
    case 'perDiscover':
      return c.points * count;
    case 'threshold': {
      let p = 0;
      for (const s of c.steps) if (value >= s.atLeast) p = Math.max(p, s.points);
      return p;
    }
  }
}

function triggered(rule: RuleDefinition, value: number, count: number): boolean {
  return rule.computation.type === 'threshold' ? rule.computation.steps.some((s) => value >= s.atLeast) : count > 0;
}

/** Evaluates every rule on a snapshot and scores the result as PingCastle does. */
export function runAudit(
  snap: DirectorySnapshot,
  opts: { ruleSet?: RuleSet; exceptions?: RiskException[]; now?: Date } = {},
): AuditBundle {
  const ruleSet = opts.ruleSet ?? loadDefaultRuleSet();
  const now = opts.now ?? new Date();
  const ctx = evalContext(snap, snap.collectedAt.getTime());
  // A record naming one object does not block its phase: the rules that met the object say so themselves.
  const incompletePhases = new Set(snap.incomplete.filter((i) => !i.dn).map((i) => i.phase));
  /** Objects some rule could not judge, once each, reported with the incomplete phases. */
  const unreadableObjects = new Map<string, IncompleteRecord>();
  const findings: Finding[] = [];
  for (const rule of ruleSet.rules) {
    const base = {
      ruleId: rule.id,
      title: rule.title,
      category: rule.category,
      anssi: rule.anssiLabel,
      anssiLevel: rule.anssi?.level ?? null,
      rationale: rule.rationale,
      remediation: rule.remediation,
      references: rule.references,
    };
    const missing = rule.requires.filter((p) => incompletePhases.has(p));
    const evaluator = EVALUATORS[rule.id];
    if (missing.length > 0 || !evaluator) {
      const note = !evaluator ? 'aucun évaluateur pour cette règle' : `collecte incomplète : ${missing.join(', ')}`;
      findings.push({ ...base, status: 'not_evaluated', points: 0, affectedCount: 0, affected: [], note });
      continue;
    }
    const m = evaluator(ctx);
    const count = m.affected.length;
    const value = m.value ?? count;
    const undetermined = m.undetermined ?? [];
    for (const o of undetermined) {
      const dn = o.dn ?? o.name;
      const phase = rule.requires[0] as Phase; // the rule's first phase holds the objects it reads
      if (!unreadableObjects.has(`${phase}\n${dn}`))
        unreadableObjects.set(`${phase}\n${dn}`, {
          phase,
          code: 'AD_OBJECT_UNREADABLE',
          reason: o.detail ?? 'objet illisible',
          dn,
        });
    }
    const unreadable =
      undetermined.length > 0
        ? `${UNREADABLE_NOTE} (${undetermined.length} objet(s) non vérifiable(s)) : ${undetermined
            .slice(0, 20)
            .map((o) => `${o.dn ?? o.name}${o.detail ? ` — ${o.detail}` : ''}`)
            .join(' ; ')}${undetermined.length > 20 ? ' ; …' : ''}`
        : null;
    if (!triggered(rule, value, count)) {
      // Nothing found among the objects that could be read: not a pass while some could not be.
      findings.push(
        unreadable
          ? { ...base, status: 'not_evaluated', points: 0, affectedCount: 0, affected: [], note: unreadable }
          : { ...base, status: 'passed', points: 0, affectedCount: 0, affected: [] },
      );
      continue;
    }
    const points = pointsFor(rule, value, count);
    const exception = (opts.exceptions ?? []).find(
      (e) => e.ruleId === rule.id && new Date(`${e.expires}T23:59:59Z`) >= now,
    );
    const notes = [
      ...(exception
        ? [`risque accepté par ${exception.owner} jusqu'au ${exception.expires} : ${exception.justification}`]
        : []),
      ...(unreadable ? [unreadable] : []),
    ];
    findings.push({
      ...base,
      status: exception ? 'accepted' : 'failed',
      points,
      affectedCount: count,
      affected: m.affected.slice(0, MAX_LISTED),
      ...(notes.length > 0 ? { note: notes.join(' — ') } : {}),
    });
  }
  const categories = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  let anssiLevel = 5;
  for (const f of findings) {
    if (f.status !== 'failed') continue;
    categories[f.category] = Math.min(100, categories[f.category] + f.points);
    if (f.anssiLevel !== null) anssiLevel = Math.min(anssiLevel, f.anssiLevel);
  }
  return {
    format: 'rempart-ad-audit',
    formatVersion: 1,
    rulesetVersion: ruleSet.version,
    checklist: ruleSet.checklist,
    generatedAt: now.toISOString(),
    domain: { dnsName: snap.domain.dnsName, sid: snap.domain.sid, netbiosName: snap.domain.netbiosName },
    source: snap.source,
    server: snap.server,
    counts: { users: snap.users.length, computers: snap.computers.length, groups: snap.groups.length },
    scores: { global: Math.max(...Object.values(categories)), categories },
    anssiLevel,
    incomplete: [...snap.incomplete, ...unreadableObjects.values()],
    findings,
  };
}

/** The figures the server stores for the establishment's D1 AD indicator. */
export function bundleSummary(bundle: AuditBundle) {
  return {
    rulesetVersion: bundle.rulesetVersion,
    generatedAt: bundle.generatedAt,
    anssiLevel: bundle.anssiLevel,
    globalScore: bundle.scores.global,
    categoryScores: bundle.scores.categories,
    findingCount: bundle.findings.filter((f) => f.status === 'failed').length,
    incompletePhases: [...new Set(bundle.incomplete.map((i) => i.phase))],
  };
}

/** Parses an accepted-risk exceptions file (YAML or JSON: `exceptions: [{ruleId, justification, owner, expires}]`). */
export function parseExceptionsFile(text: string): RiskException[] {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new InputError('AD_EXCEPTIONS_SYNTAX', `fichier d'exceptions illisible : ${(e as Error).message}`);
  }
  const r = exceptionsFileSchema.safeParse(data);
  if (!r.success)
    throw new InputError(
      'AD_EXCEPTIONS_INVALID',
      `fichier d'exceptions invalide : ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data.exceptions;
}
