import type { EventView } from './event-view.js';

/** How a literal is compared with a (lower-cased) field value. */
export type LiteralKind = 'equals' | 'contains' | 'startswith' | 'endswith';

class Trie {
  readonly next: Map<number, number>[] = [new Map()];
  readonly out: number[][] = [[]];

  add(text: string, id: number, reversed: boolean): void {
    let node = 0;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(reversed ? text.length - 1 - k : k);
      let n = this.next[node]!.get(c);
      if (n === undefined) {
        n = this.next.length;
        this.next.push(new Map());
        this.out.push([]);
        this.next[node]!.set(c, n);
      }
      node = n;
    }
    this.out[node]!.push(id);
  }
}

/**
 * Aho–Corasick automaton compiled to a dense DFA over the characters its literals use (others map to class
 * 0): every contained literal found in one pass, one table read per character.
 */
class ContainsAutomaton extends Trie {
  /** Character classes: a small table for ASCII, a map for the rest (absent: class 0). */
  private ascii = new Uint16Array(128);
  private others = new Map<number, number>();
  private width = 1;
  private delta: Uint16Array | Int32Array = new Int32Array(0);
  /** Per node: start and length of its outputs in `outIds` (flat, typed: no per-node arrays on the hot path). */
  private outStart = new Int32Array(0);
  private outLength = new Int32Array(0);
  private outIds = new Int32Array(0);

  build(): void {
    const chars = new Map<number, number>();
    for (const m of this.next) for (const c of m.keys()) if (!chars.has(c)) chars.set(c, chars.size + 1);
    this.ascii = new Uint16Array(128);
    this.others = new Map();
    for (const [c, k] of chars) {
      if (c < 128) this.ascii[c] = k;
      else this.others.set(c, k);
    }
    const width = chars.size + 1;
    this.width = width;
    const count = this.next.length;
    const fail = new Int32Array(count);
    const delta = new Int32Array(count * width);
    const out: number[][] = this.out.map((o) => [...o]);
    // Breadth-first: a node's transitions are its trie edges, else those of its failure node.
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as number;
      const f = fail[node] as number;
      for (let k = 0; k < width; k++) delta[node * width + k] = node === 0 ? 0 : (delta[f * width + k] as number);
      for (const [c, child] of this.next[node]!) {
        const k = chars.get(c) as number;
        fail[child] = node === 0 ? 0 : (delta[f * width + k] as number);
        delta[node * width + k] = child;
        queue.push(child);
      }
      if (node !== 0 && f !== 0 && out[f]!.length > 0) out[node] = [...out[node]!, ...out[f]!];
    }
    this.delta = count < 65536 ? Uint16Array.from(delta) : delta;
    this.outStart = new Int32Array(count);
    this.outLength = new Int32Array(count);
    const flat: number[] = [];
    for (let n = 0; n < count; n++) {
      this.outStart[n] = flat.length;
      this.outLength[n] = out[n]!.length;
      flat.push(...out[n]!);
    }
    this.outIds = Int32Array.from(flat);
  }

  scan(s: string, bits: Uint32Array, gen: number): void {
    const { ascii, others, delta, width, outStart, outLength, outIds } = this;
    let node = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const k = c < 128 ? (ascii[c] as number) : (others.get(c) ?? 0);
      node = delta[node * width + k] as number;
      const len = outLength[node] as number;
      if (len !== 0) {
        const start = outStart[node] as number;
        for (let j = 0; j < len; j++) bits[outIds[start + j] as number] = gen;
      }
    }
  }
}

interface FieldLiterals {
  field: string;
  contains: ContainsAutomaton | null;
  prefixes: Trie | null;
  suffixes: Trie | null;
  equals: Map<string, number[]> | null;
  /** Atoms that match any value (empty contains/startswith/endswith). */
  always: number[];
}

/**
 * Case-insensitive literal tests shared by all rules, grouped by field: per event and field, one pass finds
 * every matching literal (Aho–Corasick for contains, tries for prefixes and suffixes, a map for equality);
 * rule items then read bits. Cost per event grows with the value length, not with the number of rules.
 */
export class LiteralIndex {
  private readonly fields: FieldLiterals[] = [];
  private readonly fieldIds = new Map<string, number>();
  private readonly atoms = new Map<string, number>();
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
      this.fields.push({ field, contains: null, prefixes: null, suffixes: null, equals: null, always: [] });
    }
    return f;
  }

  /** Registers a lower-cased literal test on a field; returns its atom id. */
  atom(field: string, kind: LiteralKind, literal: string): number {
    const key = `${kind}\u0000${field}\u0000${literal}`;
    let id = this.atoms.get(key);
    if (id !== undefined) return id;
    id = this.atoms.size;
    this.atoms.set(key, id);
    this.built = false;
    const fl = this.fields[this.fieldSlot(field)] as FieldLiterals;
    if (literal === '' && kind !== 'equals') fl.always.push(id);
    else if (kind === 'contains') {
      fl.contains ??= new ContainsAutomaton();
      fl.contains.add(literal, id, false);
    } else if (kind === 'startswith') {
      fl.prefixes ??= new Trie();
      fl.prefixes.add(literal, id, false);
    } else if (kind === 'endswith') {
      fl.suffixes ??= new Trie();
      fl.suffixes.add(literal, id, true);
    } else {
      fl.equals ??= new Map();
      const list = fl.equals.get(literal);
      if (list) list.push(id);
      else fl.equals.set(literal, [id]);
    }
    return id;
  }

  private build(): void {
    for (const f of this.fields) f.contains?.build();
    this.built = true;
  }

  /** Stamps in `ev.literalBits` (with the event's generation) every atom of field slot `slot` its value matches. */
  scanField(ev: EventView, slot: number): void {
    if (!this.built) this.build();
    const gen = ev.literalGen;
    ev.literalDone[slot] = gen;
    const fl = this.fields[slot] as FieldLiterals;
    const values = ev.strings(fl.field, true);
    if (values === null) return;
    const bits = ev.literalBits;
    for (const id of fl.always) bits[id] = gen;
    for (let v = 0; v < values.length; v++) {
      const s = values[v] as string;
      fl.contains?.scan(s, bits, gen);
      if (fl.prefixes) walk(fl.prefixes, s, bits, false, gen);
      if (fl.suffixes) walk(fl.suffixes, s, bits, true, gen);
      const eq = fl.equals?.get(s);
      if (eq) for (const id of eq) bits[id] = gen;
    }
  }
}

function walk(trie: Trie, s: string, bits: Uint32Array, reversed: boolean, gen: number): void {
  let node = 0;
  for (let k = 0; k < s.length; k++) {
    const n = trie.next[node]!.get(s.charCodeAt(reversed ? s.length - 1 - k : k));
    if (n === undefined) return;
    node = n;
    const out = trie.out[node] as number[];
    for (let i = 0; i < out.length; i++) bits[out[i] as number] = gen;
  }
}
