import { z } from 'zod';
import { type IndicatorCondition, type IndicatorMapping, indexReferential, type Referential } from './referential.js';
import type { Answer, Answers } from './scoring.js';

/**
 * Technical indicators produced by the audit engines and understood by the CaRE referential:
 * - `ad.audit_done` (boolean), `ad.anssi_level` (1–5), `ad.privileged_accounts_excessive` (boolean),
 *   `ad.laps_coverage` (0–1), `ad.ght_converged` (boolean);
 * - `exposure.d1_cadence` (boolean: two audits 45–60 days apart), `exposure.critical_findings` (count),
 *   `exposure.exposed_admin_services` (count);
 * - `d2.backup_auth_independent` (boolean), `d2.restore_test_done` (boolean), `d2.pca_test_coverage` (0–1);
 * - `workstations.edr_coverage` (0–1), `detect.dc_logs_collected` (boolean), `hospiconnect.dpi_2fa_share` (0–1).
 * The referential, not this list, decides what each value answers.
 */
export type IndicatorValue = boolean | number | string;

/** Where an indicator value comes from, so a pre-filled answer can be traced back to its audit. */
export interface IndicatorSource {
  /** The engine or import that produced it, e.g. `ad-audit`, `exposure`, `silene-import`. */
  tool: string;
  /** Identifier of the run or result bundle. */
  reference?: string;
  /** When it was measured, ISO-8601 UTC. */
  observedAt: string;
}

export interface IndicatorReading {
  key: string;
  value: IndicatorValue;
  source: IndicatorSource;
}

export const indicatorReadingSchema = z.strictObject({
  key: z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/),
  value: z.union([z.boolean(), z.number().finite(), z.string().max(200)]),
  source: z.strictObject({
    tool: z.string().min(1).max(100),
    reference: z.string().min(1).max(200).optional(),
    observedAt: z.iso.datetime(),
  }),
});

/** Readings from a plain `{ key: value }` record measured by one source. */
export function readingsFrom(
  values: Readonly<Record<string, IndicatorValue>>,
  source: IndicatorSource,
): IndicatorReading[] {
  return Object.entries(values).map(([key, value]) => ({ key, value, source }));
}

export interface PrefilledAnswer {
  requirementId: string;
  answer: Extract<Answer, { kind: 'level' }>;
  /** The reading that gave the answer and which rule of the referential matched (`otherwise` if none). */
  source: IndicatorSource & { indicator: string; value: IndicatorValue; rule: number | 'otherwise' };
}

export interface Prefill {
  answers: PrefilledAnswer[];
  /** Readings no requirement of the referential uses. */
  unused: string[];
  /** Requirements whose indicator was read but whose value has the wrong type: not pre-filled. */
  invalid: { requirementId: string; indicator: string; reason: string }[];
  /** Requirements whose indicator was read but matched no rule and has no `otherwise`: left to the respondent. */
  unmatched: string[];
}

function holds(condition: IndicatorCondition, value: IndicatorValue): boolean {
  if (condition.equals !== undefined && value !== condition.equals) return false;
  const bounds = [condition.gt, condition.gte, condition.lt, condition.lte].some((b) => b !== undefined);
  if (!bounds) return true;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  return (
    (condition.gt === undefined || value > condition.gt) &&
    (condition.gte === undefined || value >= condition.gte) &&
    (condition.lt === undefined || value < condition.lt) &&
    (condition.lte === undefined || value <= condition.lte)
  );
}

/** The value types a mapping's rules can compare against, so a mistyped reading is not mis-answered. */
function expectedTypes(mapping: IndicatorMapping): Set<string> {
  const types = new Set<string>();
  for (const { when } of mapping.answers) {
    if ([when.gt, when.gte, when.lt, when.lte].some((b) => b !== undefined)) types.add('number');
    if (when.equals !== undefined) types.add(typeof when.equals);
  }
  return types;
}

/**
 * Maps technical indicator readings to pre-filled answers, each with its source. When a key is read
 * twice, the most recent reading wins. Pure: the referential's indicator rules decide every answer.
 */
export function prefillAnswers(referential: Referential, readings: readonly IndicatorReading[]): Prefill {
  const latest = new Map<string, IndicatorReading>();
  for (const reading of readings) {
    const known = latest.get(reading.key);
    if (!known || Date.parse(reading.source.observedAt) >= Date.parse(known.source.observedAt)) {
      latest.set(reading.key, reading);
    }
  }
  const used = new Set<string>();
  const result: Prefill = { answers: [], unused: [], invalid: [], unmatched: [] };
  for (const { requirement } of indexReferential(referential).requirements.values()) {
    const mapping = requirement.indicator;
    if (!mapping) continue;
    const reading = latest.get(mapping.key);
    if (!reading) continue;
    used.add(mapping.key);
    const expected = expectedTypes(mapping);
    if (!expected.has(typeof reading.value)) {
      result.invalid.push({
        requirementId: requirement.id,
        indicator: mapping.key,
        reason: `valeur de type ${typeof reading.value}, attendu ${[...expected].join(' ou ')}`,
      });
      continue;
    }
    const rule = mapping.answers.findIndex((a) => holds(a.when, reading.value));
    const level = rule >= 0 ? mapping.answers[rule]!.level : mapping.otherwise;
    if (level === undefined) {
      result.unmatched.push(requirement.id);
      continue;
    }
    result.answers.push({
      requirementId: requirement.id,
      answer: { kind: 'level', level },
      source: { ...reading.source, indicator: mapping.key, value: reading.value, rule: rule >= 0 ? rule : 'otherwise' },
    });
  }
  result.unused = [...latest.keys()].filter((k) => !used.has(k)).sort();
  return result;
}

/**
 * Adds pre-filled answers to a respondent's answers. By default an answer the respondent gave is kept;
 * with `overwrite`, audit results replace it.
 */
export function applyPrefill(answers: Answers, prefill: Prefill, options: { overwrite?: boolean } = {}): Answers {
  const next: Record<string, Answer> = { ...answers };
  for (const p of prefill.answers) {
    if (options.overwrite || next[p.requirementId] === undefined) next[p.requirementId] = p.answer;
  }
  return next;
}
