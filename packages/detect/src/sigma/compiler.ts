import { compileCondition, parseCondition } from './condition.js';
import type { EventView } from './event-view.js';
import type { LiteralIndex } from './literal-index.js';
import { type LogTarget, resolveLogsource } from './logsource.js';
import { compileFieldItem, compileKeywords, RuleCompileError } from './modifiers.js';
import { type EventTest, needOfAll, needOfAny, withNeed } from './requirement.js';
import type { RuleProblem, SigmaRule } from './rule-parser.js';

/** One rule compiled for one log source target (e.g. Sysmon, or Security 4688 with its field names). */
export interface CompiledVariant {
  target: LogTarget;
  test: EventTest;
  /** Event field names the detection reads (for alert details). */
  fields: string[];
}

export interface CompiledRule {
  rule: SigmaRule;
  variants: CompiledVariant[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A named search (selection): map = AND of fields, list of maps = OR, list of scalars = keywords. */
function compileSearch(
  name: string,
  value: unknown,
  fieldOf: (f: string) => string,
  used: Set<string>,
  literals: LiteralIndex | undefined,
): EventTest {
  if (isPlainObject(value)) return compileMap(value, fieldOf, used, literals);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RuleCompileError('schema', `recherche « ${name} » vide`);
    if (value.every(isPlainObject)) {
      const ts = (value as Record<string, unknown>[]).map((m) => compileMap(m, fieldOf, used, literals));
      return ts.length === 1 ? (ts[0] as EventTest) : withNeed((ev: EventView) => ts.some((t) => t(ev)), needOfAny(ts));
    }
    if (value.some((v) => isPlainObject(v) || Array.isArray(v)))
      throw new RuleCompileError('unsupported', `recherche « ${name} » mêlant mots-clés et champs`);
    return compileKeywords(value, literals);
  }
  if (typeof value === 'string' || typeof value === 'number') return compileKeywords([value], literals);
  throw new RuleCompileError('schema', `recherche « ${name} » de forme inconnue`);
}

function compileMap(
  map: Record<string, unknown>,
  fieldOf: (f: string) => string,
  used: Set<string>,
  literals: LiteralIndex | undefined,
): EventTest {
  const tests: EventTest[] = [];
  for (const [key, value] of Object.entries(map)) {
    const field = key.split('|')[0] ?? '';
    if (field) used.add(fieldOf(field));
    if (isPlainObject(value)) throw new RuleCompileError('schema', `valeur imbriquée pour le champ « ${key} »`);
    tests.push(compileFieldItem(key, value, fieldOf, literals));
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0] as EventTest;
  const need = needOfAll(tests);
  if (tests.length === 2) {
    const [a, b] = tests as [EventTest, EventTest];
    return withNeed((ev) => a(ev) && b(ev), need);
  }
  return withNeed((ev) => {
    for (let i = 0; i < tests.length; i++) if (!(tests[i] as EventTest)(ev)) return false;
    return true;
  }, need);
}

function compileDetection(rule: SigmaRule, target: LogTarget, literals: LiteralIndex | undefined): CompiledVariant {
  const map = target.fieldMap;
  const fieldOf = map ? (f: string) => map[f] ?? f : (f: string) => f;
  const used = new Set<string>();
  const searches = new Map<string, EventTest>();
  let condition: unknown;
  for (const [name, value] of Object.entries(rule.detection)) {
    if (name === 'condition') condition = value;
    else if (name === 'timeframe')
      throw new RuleCompileError(
        'unsupported',
        '« timeframe » de Sigma v1 non pris en charge (utiliser une règle de corrélation)',
      );
    else searches.set(name, compileSearch(name, value, fieldOf, used, literals));
  }
  if (condition === undefined) throw new RuleCompileError('condition', 'condition absente');
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || conditions.some((c) => typeof c !== 'string'))
    throw new RuleCompileError('condition', 'condition non textuelle');
  const tests = conditions.map((c) => compileCondition(parseCondition(c as string), searches));
  const test =
    tests.length === 1
      ? (tests[0] as EventTest)
      : withNeed((ev: EventView) => tests.some((t) => t(ev)), needOfAny(tests));
  return { target, test, fields: [...used] };
}

/** Compiles a rule for each of its log-source targets; throws RuleCompileError with a stable code. */
export function compileRule(rule: SigmaRule, literals?: LiteralIndex): CompiledRule {
  const targets = resolveLogsource(rule.logsource);
  if (targets === null)
    throw new RuleCompileError('logsource', `source « ${rule.logsource.product ?? '?'} » hors journaux Windows`);
  if (targets.length === 0) {
    const ls = rule.logsource;
    throw new RuleCompileError(
      'logsource',
      `source Windows non reconnue (category: ${ls.category ?? '-'}, service: ${ls.service ?? '-'})`,
    );
  }
  return { rule, variants: targets.map((t) => compileDetection(rule, t, literals)) };
}

/** Compiles, turning a failure into a per-rule problem. */
export function tryCompileRule(rule: SigmaRule, literals?: LiteralIndex): CompiledRule | RuleProblem {
  try {
    return compileRule(rule, literals);
  } catch (e) {
    const code = e instanceof RuleCompileError ? e.code : 'schema';
    return { code, source: rule.source, ruleId: rule.id, title: rule.title, message: (e as Error).message };
  }
}
