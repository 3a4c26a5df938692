import type { EventView } from './event-view.js';
import { RuleCompileError } from './modifiers.js';
import type { SigmaCorrelationRule } from './rule-parser.js';

const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  M: 2_592_000_000,
  y: 31_536_000_000,
};

/** Parses a Sigma timespan ("90s", "5m", "1h", "2d") into milliseconds. */
export function parseTimespan(text: string): number {
  const m = /^(\d+)([smhdwMy])$/.exec(text.trim());
  if (!m) throw new RuleCompileError('schema', `durée invalide « ${text} »`);
  return Number(m[1]) * (UNITS[m[2] as string] as number);
}

type Bound = { op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq'; value: number };

function parseBounds(condition: unknown, type: string): { bounds: Bound[]; field?: string } {
  if (condition === undefined || condition === null) {
    if (type === 'temporal' || type === 'temporal_ordered') return { bounds: [] };
    throw new RuleCompileError('schema', 'condition de corrélation absente');
  }
  if (typeof condition !== 'object' || Array.isArray(condition))
    throw new RuleCompileError('schema', 'condition de corrélation invalide');
  const bounds: Bound[] = [];
  let field: string | undefined;
  for (const [k, v] of Object.entries(condition)) {
    if (k === 'field') field = String(v);
    else if (['gt', 'gte', 'lt', 'lte', 'eq', 'neq'].includes(k) && typeof v === 'number')
      bounds.push({ op: k as Bound['op'], value: v });
    else throw new RuleCompileError('unsupported', `condition de corrélation « ${k} » non prise en charge`);
  }
  if (bounds.length === 0) throw new RuleCompileError('schema', 'condition de corrélation sans seuil');
  return { bounds, field };
}

function holds(bounds: Bound[], n: number): boolean {
  for (const b of bounds) {
    const ok =
      b.op === 'gt'
        ? n > b.value
        : b.op === 'gte'
          ? n >= b.value
          : b.op === 'lt'
            ? n < b.value
            : b.op === 'lte'
              ? n <= b.value
              : b.op === 'eq'
                ? n === b.value
                : n !== b.value;
    if (!ok) return false;
  }
  return true;
}

/** A correlation alert: the group that crossed the threshold and the event that completed it. */
export interface CorrelationHit {
  correlation: SigmaCorrelationRule;
  view: EventView;
  group: Record<string, string>;
  count: number;
}

interface GroupState {
  times: number[];
  values: Map<string, number>;
  lastByRule: Map<string, number>;
  sequence: (number | undefined)[];
}

/**
 * Streaming evaluation of one correlation rule over base-rule matches in time order
 * (event_count, value_count, temporal, temporal_ordered; timespan sliding window; group-by with aliases).
 * A group that fires starts afresh, so one burst gives one alert.
 */
export class CorrelationState {
  readonly span: number;
  private readonly bounds: Bound[];
  private readonly field?: string;
  /** Only upper bounds (lt/lte): evaluated when a window closes, not when an event arrives. */
  private readonly onClose: boolean;
  private readonly groups = new Map<
    string,
    GroupState & { start: number; last?: EventView; key: Record<string, string> }
  >();

  constructor(readonly correlation: SigmaCorrelationRule) {
    if (!['event_count', 'value_count', 'temporal', 'temporal_ordered'].includes(correlation.type))
      throw new RuleCompileError('unsupported', `corrélation « ${correlation.type} » non prise en charge`);
    if (correlation.rules.length === 0) throw new RuleCompileError('schema', 'corrélation sans règle référencée');
    this.span = parseTimespan(correlation.timespan);
    const { bounds, field } = parseBounds(correlation.condition, correlation.type);
    this.bounds = bounds;
    this.field = field;
    if (correlation.type === 'value_count' && !field)
      throw new RuleCompileError('schema', 'value_count sans « field »');
    this.onClose = bounds.length > 0 && bounds.every((b) => b.op === 'lt' || b.op === 'lte');
  }

  /**
   * The event field holding `name` for a match of rule `ruleRef`: the alias of that rule (a Sigma field
   * name), then the field mapping of the log source the match came from (e.g. Image → NewProcessName on
   * Security 4688).
   */
  private fieldFor(name: string, ruleRef: string, fieldMap: Readonly<Record<string, string>> | undefined): string {
    const sigmaName = this.correlation.aliases[name]?.[ruleRef] ?? name;
    return fieldMap?.[sigmaName] ?? sigmaName;
  }

  /**
   * Feeds one base-rule match (`ruleRefs`: the rule's id and name; `fieldMap`: the field mapping of the log
   * source it matched on); returns the hits it causes.
   */
  add(
    ruleRefs: string[],
    view: EventView,
    time: number,
    fieldMap?: Readonly<Record<string, string>>,
  ): CorrelationHit[] {
    const ref = ruleRefs.find((r) => this.correlation.rules.includes(r));
    if (ref === undefined) return [];
    const key: Record<string, string> = {};
    for (const g of this.correlation.groupBy) {
      const v = view.strings(this.fieldFor(g, ref, fieldMap), false);
      key[g] = v === null ? '' : v.join(',');
    }
    const k = JSON.stringify(key);
    const hits: CorrelationHit[] = [];
    let s = this.groups.get(k);
    if (s && this.onClose && time - s.start > this.span) {
      const n = this.measure(s);
      if (holds(this.bounds, n) && s.last)
        hits.push({ correlation: this.correlation, view: s.last, group: s.key, count: n });
      this.groups.delete(k);
      s = undefined;
    }
    if (!s) {
      s = { times: [], values: new Map(), lastByRule: new Map(), sequence: [], start: time, key };
      this.groups.set(k, s);
    }
    // Kept past this event only when judged at window close (the engine's views live until its next event).
    if (this.onClose) s.last = view.detach();
    const from = time - this.span;
    switch (this.correlation.type) {
      case 'event_count':
        s.times.push(time);
        while ((s.times[0] as number) < from) s.times.shift();
        break;
      case 'value_count': {
        const v = view.strings(this.fieldFor(this.field as string, ref, fieldMap), false);
        if (v !== null) s.values.set(v.join(','), time);
        for (const [val, t] of s.values) if (t < from) s.values.delete(val);
        break;
      }
      case 'temporal':
        s.lastByRule.set(ref, time);
        for (const [r, t] of s.lastByRule) if (t < from) s.lastByRule.delete(r);
        break;
      case 'temporal_ordered': {
        const rules = this.correlation.rules;
        for (let i = rules.length - 1; i >= 0; i--) {
          if (!ruleRefs.includes(rules[i] as string)) continue;
          if (i === 0) s.sequence[0] = time;
          else {
            const startOfPrev = s.sequence[i - 1];
            if (startOfPrev !== undefined && time - startOfPrev <= this.span) s.sequence[i] = startOfPrev;
          }
        }
        break;
      }
    }
    if (!this.onClose) {
      const n = this.measure(s);
      if (this.fires(n)) {
        hits.push({ correlation: this.correlation, view, group: key, count: n });
        this.groups.delete(k);
      }
    }
    return hits;
  }

  private measure(s: GroupState): number {
    switch (this.correlation.type) {
      case 'event_count':
        return s.times.length;
      case 'value_count':
        return s.values.size;
      case 'temporal':
        return s.lastByRule.size;
      default:
        return s.sequence[this.correlation.rules.length - 1] !== undefined ? this.correlation.rules.length : 0;
    }
  }

  private fires(n: number): boolean {
    if (this.bounds.length === 0) return n >= this.correlation.rules.length;
    if (this.correlation.type === 'temporal_ordered')
      return n === this.correlation.rules.length && holds(this.bounds, n);
    return holds(this.bounds, n);
  }

  /** End of input: windows with only upper bounds are judged now. */
  flush(): CorrelationHit[] {
    const hits: CorrelationHit[] = [];
    if (this.onClose) {
      for (const s of this.groups.values()) {
        const n = this.measure(s);
        if (holds(this.bounds, n) && s.last)
          hits.push({ correlation: this.correlation, view: s.last, group: s.key, count: n });
      }
    }
    this.groups.clear();
    return hits;
  }
}
