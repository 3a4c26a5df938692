import type { EventView } from './event-view.js';

/** Field name of keyword literals (searched in every value of the event); no event field has an empty name. */
export const KEYWORDS = '';

/** How a literal is compared with a (lower-cased) field value. */
export type LiteralKind = 'equals' | 'contains' | 'startswith' | 'endswith';

/** Character code folded to lower case when it is ASCII; -1 for non-ASCII (the caller lower-cases the string). */
function foldAscii(c: number): number {
  return c < 128 ? (c >= 65 && c <= 90 ? c + 32 : c) : -1;
}

/** Stamps atom `id` for the event and lists it among the atoms matched (once per event). */
function mark(ev: EventView, id: number, gen: number): void {
  const bits = ev.literalBits;
  if (bits[id] !== gen) {
    bits[id] = gen;
    ev.literalMatched[ev.literalMatchedCount++] = id;
  }
}

class Trie {
  readonly next: Map<number, number>[] = [new Map()];
  /** Atoms ending at the node: prefix (or suffix) literals. */
  readonly out: number[][] = [[]];
  /** Atoms ending at the node that need the whole value (equality, prefix trie only). */
  readonly exact: number[][] = [[]];

  add(text: string, id: number, reversed: boolean, exact = false): void {
    let node = 0;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(reversed ? text.length - 1 - k : k);
      let n = this.next[node]!.get(c);
      if (n === undefined) {
        n = this.next.length;
        this.next.push(new Map());
        this.out.push([]);
        this.exact.push([]);
        this.next[node]!.set(c, n);
      }
      node = n;
    }
    (exact ? this.exact : this.out)[node]!.push(id);
  }

  /** ASCII transitions as a table over the characters the literals use (0: no transition; built by `compileAscii`). */
  private asciiClass = new Uint8Array(128);
  private asciiWidth = 1;
  private asciiTable: Uint16Array | Int32Array = new Int32Array(0);
  /** 1 where `out` is not empty (read per character instead of the node's array). */
  private hasOut = new Uint8Array(0);

  /** Builds the ASCII transition table of the folded walk (after the last `add`). */
  compileAscii(): void {
    const cls = new Uint8Array(128);
    let width = 1;
    for (const m of this.next) for (const c of m.keys()) if (c < 128 && cls[c] === 0) cls[c] = width++;
    const count = this.next.length;
    const table = count < 65536 ? new Uint16Array(count * width) : new Int32Array(count * width);
    this.next.forEach((m, node) => {
      for (const [c, to] of m) if (c < 128) table[node * width + (cls[c] as number)] = to;
    });
    this.asciiClass = cls;
    this.asciiWidth = width;
    this.asciiTable = table;
    this.hasOut = Uint8Array.from(this.out, (o) => (o.length > 0 ? 1 : 0));
  }

  /**
   * Walks `s` (from its end when `reversed`) stamping the atoms met. With `fold`, ASCII upper case is folded
   * and the walk gives up (returns false) on a non-ASCII character; otherwise `s` is already lower-cased.
   */
  walk(s: string, ev: EventView, gen: number, reversed: boolean, fold: boolean): boolean {
    const { next, out, exact, asciiClass, asciiWidth, asciiTable, hasOut } = this;
    let node = 0;
    const n = s.length;
    for (let k = 0; k < n; k++) {
      const c = s.charCodeAt(reversed ? n - 1 - k : k);
      let to: number | undefined;
      if (fold) {
        const f = foldAscii(c);
        if (f < 0) return false;
        const k2 = asciiClass[f] as number;
        to = k2 === 0 ? 0 : (asciiTable[node * asciiWidth + k2] as number);
        if (to === 0) return true; // the root is never a child: 0 means no transition
      } else {
        to = (next[node] as Map<number, number>).get(c);
        if (to === undefined) return true;
      }
      node = to;
      if (hasOut[node] === 0) continue;
      const o = out[node] as number[];
      for (let i = 0; i < o.length; i++) mark(ev, o[i] as number, gen);
    }
    const e = exact[node] as number[];
    for (let i = 0; i < e.length; i++) mark(ev, e[i] as number, gen);
    return true;
  }
}

/**
 * Aho–Corasick automaton compiled to a dense DFA over the ASCII characters its literals use (other ASCII
 * characters map to class 0): every contained literal found in one pass, one table read per ASCII character.
 * Non-ASCII characters of literals (Unicode dashes, homoglyphs…) get no column — a rule set listing hundreds
 * of them would multiply the table's width — and are stepped through trie edges and failure links instead;
 * they only occur in the lower-cased second pass over a non-ASCII value.
 */
class ContainsAutomaton extends Trie {
  /** Character classes of ASCII characters (upper case folded onto lower case); 0: in no literal. */
  private ascii = new Uint16Array(128);
  private width = 1;
  private delta: Uint16Array | Int32Array = new Int32Array(0);
  /** Non-ASCII steps: failure state per state, and edges keyed `state * 65536 + char` (states renumbered). */
  private fail = new Int32Array(0);
  private otherEdges = new Map<number, number>();
  private otherChars = new Set<number>();
  /**
   * States are numbered so that those with outputs come last, from `firstOut` on: the scan tells a state with
   * outputs by its number, without reading a table per character.
   */
  private firstOut = 0;
  /** Per state: start and length of its outputs in `outIds` (flat, typed: no per-node arrays on the hot path). */
  private outStart = new Int32Array(0);
  private outLength = new Int32Array(0);
  private outIds = new Int32Array(0);

  build(): void {
    const ascii = new Uint16Array(128);
    let width = 1;
    for (const m of this.next) for (const c of m.keys()) if (c < 128 && ascii[c] === 0) ascii[c] = width++;
    // Literals are lower case: an upper-case ASCII letter in a value reads as its lower-case class.
    for (let c = 97; c <= 122; c++) ascii[c - 32] = ascii[c] as number;
    this.ascii = ascii;
    this.width = width;
    const next = this.next;
    const count = next.length;
    const fail = new Int32Array(count);
    const delta = new Int32Array(count * width);
    const out: number[][] = this.out.map((o) => [...o]);
    // Transition from a state whose row and failure link are complete (shallower than the one being built).
    const step = (from: number, c: number): number => {
      if (c < 128) return delta[from * width + (ascii[c] as number)] as number;
      for (let f = from; ; f = fail[f] as number) {
        const to = next[f]!.get(c);
        if (to !== undefined) return to;
        if (f === 0) return 0;
      }
    };
    // Breadth-first: a state's transitions are its trie edges, else those of its failure state.
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as number;
      const f = fail[node] as number;
      if (node !== 0) for (let k = 0; k < width; k++) delta[node * width + k] = delta[f * width + k] as number;
      for (const [c, child] of next[node]!) {
        fail[child] = node === 0 ? 0 : step(f, c);
        if (c < 128) delta[node * width + (ascii[c] as number)] = child;
        queue.push(child);
      }
      if (node !== 0 && f !== 0 && out[f]!.length > 0) out[node] = [...out[node]!, ...out[f]!];
    }
    // Renumber: states without outputs first (the root, which has none, stays 0), then those with outputs.
    const order: number[] = [];
    for (let n = 0; n < count; n++) if (out[n]!.length === 0) order.push(n);
    this.firstOut = order.length;
    for (let n = 0; n < count; n++) if (out[n]!.length > 0) order.push(n);
    const renumbered = new Int32Array(count);
    order.forEach((old, id) => {
      renumbered[old] = id;
    });
    const table = count < 65536 ? new Uint16Array(count * width) : new Int32Array(count * width);
    this.fail = new Int32Array(count);
    this.otherEdges = new Map();
    this.otherChars = new Set();
    this.outStart = new Int32Array(count);
    this.outLength = new Int32Array(count);
    const flat: number[] = [];
    order.forEach((old, id) => {
      for (let k = 0; k < width; k++) table[id * width + k] = renumbered[delta[old * width + k] as number] as number;
      this.fail[id] = renumbered[fail[old] as number] as number;
      for (const [c, child] of next[old]!) {
        if (c < 128) continue;
        this.otherEdges.set(id * 65536 + c, renumbered[child] as number);
        this.otherChars.add(c);
      }
      this.outStart[id] = flat.length;
      this.outLength[id] = out[old]!.length;
      flat.push(...out[old]!);
    });
    this.delta = table;
    this.outIds = Int32Array.from(flat);
  }

  /** Next state on a non-ASCII character: trie edges, else failure links (root when no literal has it). */
  private stepOther(node: number, c: number): number {
    if (!this.otherChars.has(c)) return 0;
    for (let n = node; ; n = this.fail[n] as number) {
      const to = this.otherEdges.get(n * 65536 + c);
      if (to !== undefined) return to;
      if (n === 0) return 0;
    }
  }

  /**
   * Stamps every literal contained in `s`. With `fold`, ASCII upper case is folded and the scan gives up
   * (returns false) on a non-ASCII character; otherwise `s` is already lower-cased.
   */
  scan(s: string, ev: EventView, gen: number, fold: boolean): boolean {
    const { ascii, delta, width, firstOut, outStart, outLength, outIds } = this;
    let node = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) node = delta[node * width + (ascii[c] as number)] as number;
      else if (fold) return false;
      else node = this.stepOther(node, c);
      if (node >= firstOut) {
        const start = outStart[node] as number;
        const end = start + (outLength[node] as number);
        for (let j = start; j < end; j++) mark(ev, outIds[j] as number, gen);
      }
    }
    return true;
  }
}

interface FieldLiterals {
  field: string;
  contains: ContainsAutomaton | null;
  /** Prefixes, and equalities (whole-value matches at the end of the walk). */
  prefixes: Trie | null;
  suffixes: Trie | null;
  /** Atoms that match any value (empty contains/startswith/endswith). */
  always: number[];
}

/**
 * Case-insensitive literal tests shared by all rules, grouped by field: per event and field, one pass finds
 * every matching literal (Aho–Corasick for contains, tries for prefixes, equalities and suffixes); rule
 * items then read bits. ASCII values are matched with their upper case folded on the fly (no lower-cased
 * copy); a value with other characters is lower-cased with `String.prototype.toLowerCase` first, as before.
 * Cost per event grows with the value length, not with the number of rules.
 */
export class LiteralIndex {
  private readonly fields: FieldLiterals[] = [];
  private readonly fieldIds = new Map<string, number>();
  private readonly atoms = new Map<string, number>();
  /** Field slot of each atom. */
  private readonly atomSlots: number[] = [];
  private built = false;

  get atomCount(): number {
    return this.atoms.size;
  }

  get fieldCount(): number {
    return this.fields.length;
  }

  /** Field slot of `field` (created on first use). */
  fieldSlot(field: string): number {
    let f = this.fieldIds.get(field);
    if (f === undefined) {
      f = this.fields.length;
      this.fieldIds.set(field, f);
      this.fields.push({ field, contains: null, prefixes: null, suffixes: null, always: [] });
    }
    return f;
  }

  /** Field slot an atom tests. */
  slotOfAtom(atom: number): number {
    return this.atomSlots[atom] as number;
  }

  /** Field name of a slot. */
  fieldOfSlot(slot: number): string {
    return (this.fields[slot] as FieldLiterals).field;
  }

  /** Registers a literal test (compared lower-cased) on a field; returns its atom id. */
  atom(field: string, kind: LiteralKind, text: string): number {
    const literal = text.toLowerCase();
    const key = `${kind}\u0000${field}\u0000${literal}`;
    let id = this.atoms.get(key);
    if (id !== undefined) return id;
    id = this.atoms.size;
    this.atoms.set(key, id);
    this.built = false;
    const slot = this.fieldSlot(field);
    this.atomSlots[id] = slot;
    const fl = this.fields[slot] as FieldLiterals;
    if (literal === '' && kind !== 'equals') fl.always.push(id);
    else if (kind === 'contains') {
      fl.contains ??= new ContainsAutomaton();
      fl.contains.add(literal, id, false);
    } else if (kind === 'startswith' || kind === 'equals') {
      fl.prefixes ??= new Trie();
      fl.prefixes.add(literal, id, false, kind === 'equals');
    } else {
      fl.suffixes ??= new Trie();
      fl.suffixes.add(literal, id, true);
    }
    return id;
  }

  private build(): void {
    for (const f of this.fields) {
      f.contains?.build();
      f.prefixes?.compileAscii();
      f.suffixes?.compileAscii();
    }
    this.built = true;
  }

  /**
   * Stamps in `ev.literalBits` (with the event's generation) every atom of field slot `slot` its value
   * matches, and appends the newly stamped atoms to `ev.literalMatched`.
   */
  scanField(ev: EventView, slot: number): void {
    if (!this.built) this.build();
    const gen = ev.literalGen;
    ev.literalDone[slot] = gen;
    const fl = this.fields[slot] as FieldLiterals;
    if (fl.field === KEYWORDS) {
      const all = ev.allStrings();
      if (all.length > 0) for (const id of fl.always) mark(ev, id, gen);
      for (let v = 0; v < all.length; v++) scanValue(fl, all[v] as string, ev, gen);
      return;
    }
    const raw = ev.get(fl.field);
    if (raw === undefined || raw === null) return;
    for (const id of fl.always) mark(ev, id, gen);
    if (typeof raw === 'string') {
      scanValue(fl, raw, ev, gen);
      return;
    }
    const values = ev.strings(fl.field, false) as string[];
    for (let v = 0; v < values.length; v++) scanValue(fl, values[v] as string, ev, gen);
  }
}

/** One value against a field's literals: folded on the fly when ASCII, else lower-cased then scanned. */
function scanValue(fl: FieldLiterals, s: string, ev: EventView, gen: number): void {
  if (
    (fl.contains === null || fl.contains.scan(s, ev, gen, true)) &&
    (fl.prefixes === null || fl.prefixes.walk(s, ev, gen, false, true)) &&
    (fl.suffixes === null || fl.suffixes.walk(s, ev, gen, true, true))
  )
    return;
  // A non-ASCII character: lower-case the whole value (Unicode rules) and scan again. Atoms stamped by the
  // partial pass are true matches of the lower-cased value too (its ASCII part is folded the same way).
  const lower = s.toLowerCase();
  fl.contains?.scan(lower, ev, gen, false);
  fl.prefixes?.walk(lower, ev, gen, false, false);
  fl.suffixes?.walk(lower, ev, gen, true, false);
}
