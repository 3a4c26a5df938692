import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { EvtxRecord } from '../evtx/chunk.js';
import type { JsonObject, JsonValue } from '../evtx/render.js';
import { type CompiledRule, type CompiledVariant, tryCompileRule } from './compiler.js';
import { type CorrelationHit, CorrelationState } from './correlation.js';
import { EventView, FieldStore } from './event-view.js';
import { LiteralIndex } from './literal-index.js';
import { RuleCompileError } from './modifiers.js';
import { needClause, needOf, needSlots } from './requirement.js';
import {
  LEVELS,
  type Level,
  parseSigmaYaml,
  type RuleProblem,
  type SigmaCorrelationRule,
  type SigmaDocument,
  type SigmaRule,
} from './rule-parser.js';
import { displayName } from './security-4688.js';

/** One detection, with the timeline fields of Hayabusa. */
export interface Alert {
  timestamp: string;
  computer: string;
  channel: string;
  eventId: number;
  recordId: number;
  level: Level;
  ruleTitle: string;
  ruleId: string;
  kind: 'rule' | 'correlation';
  details: string;
  tags: string[];
}

interface Entry {
  compiled: CompiledRule;
  variant: CompiledVariant;
  refs: string[];
  suppressed: boolean;
  /**
   * Atoms one of which matches whenever the variant's test holds (from its condition), or null when the
   * test may hold without any (regex, numeric or null tests, `not`, keywords…): such entries always run.
   */
  clause: number[] | null;
}

/**
 * The rules that apply to one channel and EventID, in evaluation order, with their prefilter: the fields to
 * scan first, and which entries each matched atom makes candidates.
 */
interface Lane {
  entries: Entry[];
  /** Field slots read by the entries' clauses. */
  slots: Int32Array;
  /** Indexes of the entries without clause (always candidates), ascending. */
  always: Int32Array;
  /** Scratch: indexes of the entries stamped for the current event (the first ones, in stamping order). */
  candidates: Int32Array;
  /** Atom → indexes of the entries whose clause holds it. */
  byAtom: Map<number, number[]>;
  /** Candidate stamp per entry (literal generation of the event). */
  stamp: Uint32Array;
}

interface Bucket {
  byId: Map<number, Entry[]>;
  any: Entry[];
  lanes: Map<number, Lane>;
  anyLane: Lane | null;
}
const MAX_DETAIL = 200;

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function eventIdOf(v: JsonValue | undefined): number {
  if (typeof v === 'number') return v;
  if (isObject(v)) return eventIdOf(v['#text']);
  return typeof v === 'string' ? Number(v) : Number.NaN;
}

function detailsOf(view: EventView, fields: string[]): string {
  const parts: string[] = [];
  for (const f of fields) {
    const v = view.strings(f, false);
    if (v === null) continue;
    let text = v.join(',');
    if (text.length > MAX_DETAIL) text = `${text.slice(0, MAX_DETAIL)}…`;
    parts.push(`${displayName(f)}: ${text}`);
  }
  return parts.join(' ¦ ');
}

/** Rules compiled once and indexed by channel and EventID; evaluates events and correlations. */
export class SigmaEngine {
  private readonly buckets = new Map<string, Bucket>();
  private readonly everywhere: Entry[] = [];
  private readonly correlations: CorrelationState[] = [];
  private readonly literals = new LiteralIndex();
  private literalBits = new Uint32Array(0);
  private literalDone = new Uint32Array(0);
  private literalMatched = new Int32Array(0);
  private literalGen = 0;
  private everywhereLane: Lane | null = null;
  /** Field storage reused by the view of each event evaluated. */
  private readonly store = new FieldStore();
  /** Whether rule clauses prefilter the entries (false: every entry of the lane is tested, for comparison). */
  readonly prefilter: boolean;
  readonly rules: CompiledRule[] = [];
  readonly problems: RuleProblem[] = [];
  /** YAML documents that were not Sigma documents (no logsource/detection/correlation), skipped. */
  ignoredDocuments = 0;

  constructor(documents: SigmaDocument[], problems: RuleProblem[] = [], options: { prefilter?: boolean } = {}) {
    this.prefilter = options.prefilter ?? true;
    this.problems.push(...problems);
    const correlationDocs = documents.filter((d): d is SigmaCorrelationRule => d.kind === 'correlation');
    const suppressed = new Set<string>();
    const generating = new Set<string>();
    const ruleRefs = new Set<string>();
    for (const d of documents) if (d.kind === 'rule') for (const r of [d.id, d.name]) if (r) ruleRefs.add(r);
    const correlationRefs = new Set(correlationDocs.flatMap((c) => [c.id, c.name]).filter((r): r is string => !!r));
    for (const c of correlationDocs) {
      try {
        const chained = c.rules.filter((r) => correlationRefs.has(r));
        if (chained.length > 0)
          throw new RuleCompileError(
            'unsupported',
            `corrélation de corrélations non prise en charge (${chained.join(', ')})`,
          );
        const unknown = c.rules.filter((r) => !ruleRefs.has(r));
        if (unknown.length > 0)
          throw new RuleCompileError('schema', `règle(s) référencée(s) introuvable(s) : ${unknown.join(', ')}`);
        this.correlations.push(new CorrelationState(c));
        for (const r of c.rules) (c.generate ? generating : suppressed).add(r);
      } catch (e) {
        this.problems.push({
          code: e instanceof RuleCompileError ? e.code : 'schema',
          source: c.source,
          ruleId: c.id,
          title: c.title,
          message: (e as Error).message,
        });
      }
    }
    for (const doc of documents) {
      if (doc.kind !== 'rule') continue;
      const compiled = tryCompileRule(doc, this.literals);
      if ('code' in compiled) {
        this.problems.push(compiled);
        continue;
      }
      this.rules.push(compiled);
      const refs = [doc.id, doc.name].filter((x): x is string => typeof x === 'string');
      const isSuppressed = refs.some((r) => suppressed.has(r)) && !refs.some((r) => generating.has(r));
      for (const variant of compiled.variants)
        this.index({ compiled, variant, refs, suppressed: isSuppressed, clause: null });
    }
    this.buildLanes();
  }

  /** Reduces each entry's need to a clause, preferring fields many rules read, then builds the lanes. */
  private buildLanes(): void {
    const entries = new Set<Entry>(this.everywhere);
    for (const b of this.buckets.values()) {
      for (const e of b.any) entries.add(e);
      for (const list of b.byId.values()) for (const e of list) entries.add(e);
    }
    const slotOf = (a: number) => this.literals.slotOfAtom(a);
    const readers = new Map<number, number>();
    for (const e of entries) {
      const need = needOf(e.variant.test);
      if (need === null) continue;
      for (const s of needSlots(need, slotOf)) readers.set(s, (readers.get(s) ?? 0) + 1);
    }
    for (const e of entries) {
      const need = needOf(e.variant.test);
      if (need === null || !this.prefilter) continue;
      const clause = needClause(need, slotOf, (s) => 1 / (readers.get(s) ?? 1));
      e.clause = clause.length > 0 ? clause : null;
    }
    for (const b of this.buckets.values()) {
      for (const [id, list] of b.byId) b.lanes.set(id, this.lane([...list, ...b.any, ...this.everywhere]) as Lane);
      b.anyLane = this.lane([...b.any, ...this.everywhere]);
    }
    this.everywhereLane = this.lane(this.everywhere);
  }

  private lane(entries: Entry[]): Lane | null {
    if (entries.length === 0) return null;
    const slots = new Set<number>();
    const always: number[] = [];
    const byAtom = new Map<number, number[]>();
    entries.forEach((e, i) => {
      if (e.clause === null) {
        always.push(i);
        return;
      }
      for (const a of e.clause) {
        slots.add(this.literals.slotOfAtom(a));
        const list = byAtom.get(a);
        if (list === undefined) byAtom.set(a, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    return {
      entries,
      slots: Int32Array.from(slots),
      always: Int32Array.from(always),
      candidates: new Int32Array(entries.length),
      byAtom,
      stamp: new Uint32Array(entries.length),
    };
  }

  private index(entry: Entry): void {
    const { channels, eventIds } = entry.variant.target;
    if (channels.length === 0) {
      this.everywhere.push(entry);
      return;
    }
    for (const ch of channels) {
      let b = this.buckets.get(ch);
      if (!b) {
        b = { byId: new Map(), any: [], lanes: new Map(), anyLane: null };
        this.buckets.set(ch, b);
      }
      if (eventIds === null) b.any.push(entry);
      else
        for (const id of eventIds) {
          const list = b.byId.get(id);
          if (list) list.push(entry);
          else b.byId.set(id, [entry]);
        }
    }
  }

  /** Loads every `.yml`/`.yaml` under `dir` (recursively); unreadable rules land in `problems`. */
  static async fromDirectory(dir: string): Promise<SigmaEngine> {
    const documents: SigmaDocument[] = [];
    const problems: RuleProblem[] = [];
    let ignored = 0;
    const walk = async (path: string): Promise<void> => {
      const info = await stat(path);
      if (info.isDirectory()) {
        const entries = (await readdir(path)).sort();
        for (const e of entries) await walk(join(path, e));
        return;
      }
      const ext = extname(path).toLowerCase();
      if (ext !== '.yml' && ext !== '.yaml') return;
      const text = await readFile(path, 'utf8');
      const parsed = parseSigmaYaml(text, path);
      documents.push(...parsed.documents);
      problems.push(...parsed.problems);
      ignored += parsed.ignored;
    };
    await walk(dir);
    const engine = new SigmaEngine(documents, problems);
    engine.ignoredDocuments = ignored;
    return engine;
  }

  /** Number of rules that compiled, and of correlation rules accepted. */
  get counts(): { rules: number; correlations: number; problems: number; ignored: number } {
    return {
      rules: this.rules.length,
      correlations: this.correlations.length,
      problems: this.problems.length,
      ignored: this.ignoredDocuments,
    };
  }

  /** Evaluates one event; returns its alerts (rule matches and correlations it completes). */
  evaluate(record: EvtxRecord): Alert[] {
    const root = record.event.Event;
    const system = isObject(root) && isObject(root.System) ? root.System : null;
    const channel = system && typeof system.Channel === 'string' ? system.Channel : '';
    const eventId = system ? eventIdOf(system.EventID) : Number.NaN;
    const bucket = this.buckets.get(channel);
    const lane = bucket ? (bucket.lanes.get(eventId) ?? bucket.anyLane) : this.everywhereLane;
    if (lane === null) return EMPTY_ALERTS;
    const view = new EventView(record.event, record.recordId, record.timestamp, this.store);
    if (this.literalBits.length !== this.literals.atomCount) {
      this.literalBits = new Uint32Array(this.literals.atomCount);
      this.literalDone = new Uint32Array(this.literals.fieldCount);
      this.literalMatched = new Int32Array(this.literals.atomCount);
    }
    if (++this.literalGen === 0xffffffff) {
      this.literalGen = 1;
      this.literalBits.fill(0);
      this.literalDone.fill(0);
      for (const b of this.buckets.values()) {
        for (const l of b.lanes.values()) l.stamp.fill(0);
        b.anyLane?.stamp.fill(0);
      }
      this.everywhereLane?.stamp.fill(0);
    }
    const gen = this.literalGen;
    view.literalBits = this.literalBits;
    view.literalDone = this.literalDone;
    view.literalMatched = this.literalMatched;
    view.literalGen = gen;
    // Prefilter: scan the fields the clauses read, then list the entries whose clause has a matched atom.
    const { entries, slots, always, candidates, byAtom, stamp } = lane;
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i] as number;
      if (view.literalDone[slot] !== gen) this.literals.scanField(view, slot);
    }
    const matched = view.literalMatched;
    let count = 0;
    for (let k = 0; k < view.literalMatchedCount; k++) {
      const list = byAtom.get(matched[k] as number);
      if (list === undefined) continue;
      for (let j = 0; j < list.length; j++) {
        const i = list[j] as number;
        if (stamp[i] !== gen) {
          stamp[i] = gen;
          candidates[count++] = i;
        }
      }
    }
    if (count > 1) candidates.subarray(0, count).sort();
    // Entries run in lane order (stamped candidates merged with the always-run ones), as without prefilter.
    let alerts: Alert[] | null = null;
    let a = 0;
    let c = 0;
    while (a < always.length || c < count) {
      const i =
        c === count || (a < always.length && (always[a] as number) < (candidates[c] as number))
          ? (always[a++] as number)
          : (candidates[c++] as number);
      const e = entries[i] as Entry;
      if (!e.variant.test(view)) continue;
      alerts ??= [];
      if (!e.suppressed) alerts.push(this.alertFor(e, view));
      if (this.correlations.length > 0) alerts.push(...this.correlate(e, view));
    }
    return alerts ?? EMPTY_ALERTS;
  }

  private alertFor(e: Entry, view: EventView): Alert {
    const rule: SigmaRule = e.compiled.rule;
    return {
      timestamp: view.timestamp,
      computer: view.computer,
      channel: view.channel,
      eventId: view.eventId,
      recordId: eventRecordId(view),
      level: rule.level,
      ruleTitle: rule.title,
      ruleId: rule.id ?? rule.name ?? '',
      kind: 'rule',
      details: detailsOf(view, e.variant.fields),
      tags: rule.tags,
    };
  }

  private correlate(e: Entry, view: EventView): Alert[] {
    const time = Date.parse(view.timestamp);
    if (Number.isNaN(time)) return [];
    const out: Alert[] = [];
    const fieldMap = e.variant.target.fieldMap;
    for (const c of this.correlations)
      for (const hit of c.add(e.refs, view, time, fieldMap)) out.push(correlationAlert(hit));
    return out;
  }

  /** End of input: correlations judged on closed windows. */
  flush(): Alert[] {
    return this.correlations.flatMap((c) => c.flush().map(correlationAlert));
  }
}

const EMPTY_ALERTS: Alert[] = [];

function eventRecordId(view: EventView): number {
  const v = view.get('EventRecordID');
  return typeof v === 'number' ? v : view.recordId;
}

function correlationAlert(hit: CorrelationHit): Alert {
  const c = hit.correlation;
  const group = Object.entries(hit.group)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' ¦ ');
  return {
    timestamp: hit.view.timestamp,
    computer: hit.view.computer,
    channel: hit.view.channel,
    eventId: hit.view.eventId,
    recordId: eventRecordId(hit.view),
    level: c.level,
    ruleTitle: c.title,
    ruleId: c.id ?? c.name ?? '',
    kind: 'correlation',
    details: `${c.type}: ${hit.count}${group ? ` ¦ ${group}` : ''}`,
    tags: c.tags,
  };
}
