import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EXPOSURE_CONDITIONS, type Finding, type Observation } from '../model.js';

const ruleSchema = z.strictObject({
  id: z.string().regex(/^EXP-[A-Z0-9-]+$/),
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
  points: z.number().int().min(0).max(100),
  match: z.union([
    z.strictObject({ ports: z.array(z.number().int().min(1).max(65535)), services: z.array(z.string()).default([]) }),
    z.strictObject({ condition: z.enum(EXPOSURE_CONDITIONS) }),
    z.strictObject({ vulnerabilitySeverities: z.array(z.enum(['info', 'low', 'medium', 'high', 'critical'])).min(1) }),
  ]),
  title: z.string().min(1),
  remediation: z.string().min(1),
  references: z.array(z.string()),
});

const ruleSetSchema = z.strictObject({ version: z.string().min(1), rules: z.array(ruleSchema).min(1) });

export type ExposureRule = z.infer<typeof ruleSchema>;
export interface RuleSet {
  readonly version: string;
  readonly rules: readonly ExposureRule[];
}

export class RuleSetError extends Error {
  readonly code = 'RULES_INVALID';
}

/** Parses a rules file (YAML or JSON); ids must be unique. */
export function parseRuleSet(text: string): RuleSet {
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new RuleSetError(`fichier de règles illisible : ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = ruleSetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RuleSetError(`règles invalides (${issue?.path.join('.')}) : ${issue?.message}`);
  }
  const seen = new Set<string>();
  for (const r of parsed.data.rules) {
    if (seen.has(r.id)) throw new RuleSetError(`identifiant de règle en double : ${r.id}`);
    seen.add(r.id);
  }
  return parsed.data;
}

/** The rules shipped with the package (rules/exposure-rules.yaml). */
export function defaultRuleSet(): RuleSet {
  return parseRuleSet(readFileSync(new URL('../../rules/exposure-rules.yaml', import.meta.url), 'utf8'));
}

/** Applies every rule to every observation; one finding per (rule, host, port). */
export function evaluate(ruleSet: RuleSet, observations: readonly Observation[]): Finding[] {
  const findings = new Map<string, Finding>();
  for (const o of observations) {
    for (const rule of ruleSet.rules) {
      let evidence: string | undefined;
      if ('ports' in rule.match && o.kind === 'port') {
        const byService = o.service !== undefined && rule.match.services.includes(o.service.toLowerCase());
        if (byService || rule.match.ports.includes(o.port)) {
          evidence = `port ${o.port}/tcp ouvert${o.service ? ` (${o.service}${o.product ? ` ${o.product}` : ''}${o.version ? ` ${o.version}` : ''})` : ''} [${o.source}]`;
        }
      } else if ('condition' in rule.match && o.kind === 'condition' && o.condition === rule.match.condition) {
        evidence = `${o.detail} [${o.source}]`;
      } else if (
        'vulnerabilitySeverities' in rule.match &&
        o.kind === 'vulnerability' &&
        rule.match.vulnerabilitySeverities.includes(o.severity)
      ) {
        evidence = `${o.checkId} — ${o.name}${o.cves.length ? ` (${o.cves.join(', ')})` : ''} [${o.source}]`;
      }
      if (evidence === undefined) continue;
      const key = `${rule.id}|${o.host}|${o.port ?? ''}|${o.kind === 'vulnerability' ? o.checkId : ''}`;
      if (findings.has(key)) continue;
      findings.set(key, {
        ruleId: rule.id,
        host: o.host,
        ...(o.port !== undefined ? { port: o.port } : {}),
        severity: rule.severity,
        points: rule.points,
        title: rule.title,
        remediation: rule.remediation,
        evidence,
      });
    }
  }
  return [...findings.values()];
}

export interface ExposureScore {
  readonly total: number;
  readonly perHost: Record<string, number>;
  /** CaRE D1 minimum level: no critical finding on the exposed surface. */
  readonly minimumLevel: boolean;
}

/** Transparent score: the sum of each finding's points, per host and overall. */
export function score(findings: readonly Finding[]): ExposureScore {
  const perHost: Record<string, number> = {};
  let total = 0;
  for (const f of findings) {
    perHost[f.host] = (perHost[f.host] ?? 0) + f.points;
    total += f.points;
  }
  return { total, perHost, minimumLevel: !findings.some((f) => f.severity === 'critical') };
}
