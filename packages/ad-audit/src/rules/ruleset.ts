import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { PHASES } from '../model.js';

export const CATEGORIES = ['StaleObjects', 'PrivilegedAccounts', 'Trusts', 'Anomalies'] as const;
export type Category = (typeof CATEGORIES)[number];

const computation = z.discriminatedUnion('type', [
  z.object({ type: z.literal('presence'), points: z.number().int().min(0).max(100) }),
  z.object({ type: z.literal('perDiscover'), points: z.number().int().min(0).max(100) }),
  z.object({
    type: z.literal('threshold'),
    steps: z.array(z.object({ atLeast: z.number(), points: z.number().int().min(0).max(100) })).min(1),
  }),
]);

const ruleSchema = z.object({
  id: z.string().regex(/^[A-Z]-[A-Za-z0-9-]+$/),
  category: z.enum(CATEGORIES),
  anssi: z.object({ id: z.string().regex(/^[a-z0-9_]+$/), level: z.number().int().min(1).max(5) }).nullable(),
  computation,
  requires: z.array(z.enum(PHASES)).min(1),
  title: z.string().min(1),
  rationale: z.string().min(1),
  remediation: z.string().min(1),
  references: z.array(z.string().url()).optional(),
});

const ruleSetSchema = z.object({
  version: z.string().min(1),
  checklist: z.string().min(1),
  rules: z.array(ruleSchema).min(1),
});

export type RuleDefinition = z.infer<typeof ruleSchema> & { references: string[]; anssiLabel: string | null };
export interface RuleSet {
  version: string;
  checklist: string;
  rules: RuleDefinition[];
}

export class RuleSetError extends Error {
  readonly code = 'AD_RULESET_INVALID';
}

/** Validates a parsed rule file; ids must be unique. */
export function parseRuleSet(data: unknown): RuleSet {
  const r = ruleSetSchema.safeParse(data);
  if (!r.success)
    throw new RuleSetError(
      `fichier de règles invalide : ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const seen = new Set<string>();
  for (const rule of r.data.rules) {
    if (seen.has(rule.id)) throw new RuleSetError(`règle en double : ${rule.id}`);
    seen.add(rule.id);
  }
  return {
    version: r.data.version,
    checklist: r.data.checklist,
    rules: r.data.rules.map((rule) => ({
      ...rule,
      anssiLabel: rule.anssi ? `vuln${rule.anssi.level}_${rule.anssi.id}` : null,
      references: [
        ...(rule.anssi ? [`https://www.cert.ssi.gouv.fr/uploads/ad_checklist.html#vuln_${rule.anssi.id}`] : []),
        'https://github.com/netwrix/pingcastle/blob/master/PingCastleCommon/Healthcheck/Rules/RuleDescription.resx',
        ...(rule.references ?? []),
      ],
    })),
  };
}

/** The rule file shipped with the package (packages/ad-audit/rules/ad-rules.yaml). */
export const DEFAULT_RULES_FILE = new URL('../../rules/ad-rules.yaml', import.meta.url);

let cached: RuleSet | null = null;
export function loadDefaultRuleSet(): RuleSet {
  cached ??= parseRuleSet(parse(readFileSync(DEFAULT_RULES_FILE, 'utf8')));
  return cached;
}
