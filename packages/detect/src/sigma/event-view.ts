import type { JsonObject, JsonValue } from '../evtx/render.js';
import { addSysmonForms, isDerived } from './security-4688.js';

const NONE = new Uint32Array(0);
const NO_ATOMS = new Int32Array(0);

/**
 * Field names seen in events, numbered once for all views: a view stores its values in arrays indexed by these
 * numbers (a field lookup is one hash of an already-hashed name, and nothing is allocated per field).
 * Bounded against hostile input: names past the bound stay in a per-view map.
 */
const FIELD_IDS = new Map<string, number>();
/** Field names by number. */
const FIELD_NAMES: string[] = [];
const MAX_FIELD_IDS = 16384;

/** Number of a field name (allocated on first sight), -1 past the bound. */
function idOf(name: string): number {
  const id = FIELD_IDS.get(name);
  if (id !== undefined) return id;
  if (FIELD_NAMES.length >= MAX_FIELD_IDS) return -1;
  FIELD_IDS.set(name, FIELD_NAMES.length);
  FIELD_NAMES.push(name);
  return FIELD_NAMES.length - 1;
}

/**
 * `Element_Attribute` numbers, found once per pair (System has a handful: Provider_Name, TimeCreated_SystemTime…)
 * so events do not concatenate and hash new strings; bounded against hostile input (then built each time).
 */
const qualified = new Map<string, Map<string, number>>();
let qualifiedCount = 0;
const MAX_QUALIFIED = 4096;

function qualifiedId(element: string, attribute: string): number | string {
  let byAttr = qualified.get(element);
  if (byAttr === undefined) {
    if (qualifiedCount >= MAX_QUALIFIED) return `${element}_${attribute}`;
    byAttr = new Map();
    qualified.set(element, byAttr);
  }
  let id = byAttr.get(attribute);
  if (id === undefined) {
    const name = `${element}_${attribute}`;
    id = idOf(name);
    if (id < 0 || qualifiedCount >= MAX_QUALIFIED) return name;
    byAttr.set(attribute, id);
    qualifiedCount++;
  }
  return id;
}

/**
 * Field values of one event by field number, reusable from one view to the next: an entry belongs to the
 * current event when its stamp equals the store's generation, so nothing is cleared between events. The
 * engine keeps one store for all the events it evaluates (a view on it is valid until the next view is built
 * on it: `detach` copies one out); a view built alone gets its own.
 */
export class FieldStore {
  values: JsonValue[] = new Array(64).fill(null);
  stamps = new Uint32Array(64);
  /** Lower-cased string forms, computed on demand (stamped apart: a field may be read without them). */
  lowered: (string[] | null)[] = new Array(64).fill(null);
  lowStamps = new Uint32Array(64);
  /** Field numbers set for the current event, in insertion order (the first `count`). */
  order = new Int32Array(64);
  count = 0;
  gen = 0;

  /** Starts a new event; returns its generation. */
  begin(): number {
    if (++this.gen === 0xffffffff) {
      this.gen = 1;
      this.stamps.fill(0);
      this.lowStamps.fill(0);
    }
    this.count = 0;
    return this.gen;
  }

  /** Makes room for field number `id`. */
  grow(id: number): void {
    let n = this.stamps.length;
    while (n <= id) n *= 2;
    const stamps = new Uint32Array(n);
    stamps.set(this.stamps);
    this.stamps = stamps;
    const low = new Uint32Array(n);
    low.set(this.lowStamps);
    this.lowStamps = low;
    while (this.values.length < n) {
      this.values.push(null);
      this.lowered.push(null);
    }
  }
}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Flat field access over one event in the reference shape: System elements by name (attributes as
 * `Element_Attribute`, e.g. Provider_Name, and by their own name when free), EventData/UserData leaves by name.
 * Lower-cased string forms are computed once per field and event.
 */
export class EventView {
  /**
   * Literal-index state (set by the engine, buffers shared between events): an atom matched and a field was
   * scanned for this event when their entry equals `literalGen`, so nothing is cleared between events.
   */
  literalBits: Uint32Array = NONE;
  literalDone: Uint32Array = NONE;
  literalGen = 1;
  /** Atoms stamped for this event, in the order found (the first `literalMatchedCount` entries). */
  literalMatched: Int32Array = NO_ATOMS;
  literalMatchedCount = 0;
  private readonly store: FieldStore;
  private readonly gen: number;
  /** Whether the store is shared with other views (the engine's). */
  private readonly shared: boolean;
  /** Fields whose name got no number (past the bound), with their lower-cased forms. */
  private overflow: Map<string, JsonValue> | null = null;
  private overflowLowered: Map<string, string[] | null> | null = null;
  /** Whether the view holds derived values (Sysmon forms of a Security 4688 event) besides the event's own. */
  private derived = false;
  readonly channel: string;
  readonly eventId: number;
  readonly computer: string;
  readonly timestamp: string;

  constructor(
    readonly event: JsonObject,
    readonly recordId = 0,
    fallbackTimestamp = '',
    store?: FieldStore,
  ) {
    this.store = store ?? new FieldStore();
    this.shared = store !== undefined;
    this.gen = this.store.begin();
    const root = isObject(event.Event) ? event.Event : event;
    const system = isObject(root.System) ? root.System : {};
    for (const key in system) this.addSystem(key, system[key] as JsonValue);
    for (const key in root) {
      if (key === 'System' || key === '#attributes') continue;
      this.addData(root[key] as JsonValue, key);
    }
    const ch = this.get('Channel');
    this.channel = typeof ch === 'string' ? ch : '';
    const id = this.get('EventID');
    this.eventId = typeof id === 'number' ? id : Number(id ?? Number.NaN);
    const comp = this.get('Computer');
    this.computer = typeof comp === 'string' ? comp : '';
    const t = this.get('TimeCreated_SystemTime');
    this.timestamp = typeof t === 'string' ? t : fallbackTimestamp;
    if (this.eventId === 4688 && this.channel === 'Security') {
      addSysmonForms(
        (name) => this.get(name),
        (name, value) => this.put(name, value, true),
      );
      this.derived = true;
    }
  }

  /** This view, or a copy with its own store when it lives on a shared one (to keep it past the next event). */
  detach(): EventView {
    return this.shared ? new EventView(this.event, this.recordId, this.timestamp) : this;
  }

  /** Stores a field value under a name or field number; with `override` false, only when the field is absent. */
  private put(name: string | number, value: JsonValue, override: boolean): void {
    const id = typeof name === 'number' ? name : idOf(name);
    if (id < 0) {
      this.overflow ??= new Map();
      if (override || !this.overflow.has(name as string)) this.overflow.set(name as string, value);
      return;
    }
    const store = this.store;
    if (id >= store.stamps.length) store.grow(id);
    if (store.stamps[id] === this.gen) {
      if (override) store.values[id] = value;
      return;
    }
    store.stamps[id] = this.gen;
    store.values[id] = value;
    if (store.count === store.order.length) {
      const order = new Int32Array(store.order.length * 2);
      order.set(store.order);
      store.order = order;
    }
    store.order[store.count++] = id;
  }

  private addSystem(key: string, value: JsonValue): void {
    if (isObject(value)) {
      const attrs = value['#attributes'];
      if (isObject(attrs)) {
        for (const a in attrs) {
          this.put(qualifiedId(key, a), attrs[a] as JsonValue, true);
          this.put(a, attrs[a] as JsonValue, false);
        }
      }
      if ('#text' in value) this.put(key, value['#text'] as JsonValue, true);
      return;
    }
    this.put(key, value, true);
  }

  private addData(value: JsonValue, name: string): void {
    if (isObject(value)) {
      for (const k in value) {
        const v = value[k] as JsonValue;
        if (k === '#attributes') continue;
        if (k === '#text') this.set(name, v);
        else if (isObject(v)) this.addData(v, k);
        else this.set(k, v);
      }
      return;
    }
    this.set(name, value);
  }

  private set(key: string, value: JsonValue): void {
    this.put(key, value, false);
    // Defender and some other providers name fields with spaces ("Source Name"); Sigma rules drop them.
    if (key.includes(' ')) this.put(key.replaceAll(' ', ''), value, false);
  }

  /**
   * Raw value of a field, undefined when absent. Names are exact: the Sigma specification has rules name fields
   * "as they appear in the log source" (only values are case-insensitive), Hayabusa and Chainsaw look them up
   * exactly, and SigmaHQ fixes a wrongly cased field name in its rules as a bug.
   */
  get(field: string): JsonValue | undefined {
    const id = FIELD_IDS.get(field);
    if (id === undefined) return this.overflow?.get(field);
    return id < this.store.stamps.length && this.store.stamps[id] === this.gen ? this.store.values[id] : undefined;
  }

  /** String forms of a field's value(s) (arrays give one per item), or null when the field is absent or null. */
  strings(field: string, lower: boolean): string[] | null {
    if (lower) {
      const id = FIELD_IDS.get(field);
      const store = this.store;
      if (id !== undefined && id < store.stamps.length) {
        if (store.lowStamps[id] === this.gen) return store.lowered[id] as string[] | null;
        const out = this.lowerStrings(field);
        store.lowStamps[id] = this.gen;
        store.lowered[id] = out;
        return out;
      }
      this.overflowLowered ??= new Map();
      const cached = this.overflowLowered.get(field);
      if (cached !== undefined) return cached;
      const out = this.lowerStrings(field);
      this.overflowLowered.set(field, out);
      return out;
    }
    const v = this.get(field);
    if (v === undefined || v === null) return null;
    if (Array.isArray(v))
      return v.map((x) => (x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x)));
    if (typeof v === 'object') return [JSON.stringify(v)];
    return [String(v)];
  }

  private lowerStrings(field: string): string[] | null {
    const v = this.get(field);
    if (typeof v === 'string') return [v.toLowerCase()];
    if (v === undefined || v === null) return null;
    return (this.strings(field, false) as string[]).map((s) => s.toLowerCase());
  }

  /** The event's fields and values, in the order they were read (derived ones included). */
  *entries(): IterableIterator<[string, JsonValue]> {
    if (this.store.gen !== this.gen) throw new Error('EventView read after the next event was built on its store');
    const { order, count, values } = this.store;
    for (let i = 0; i < count; i++) {
      const id = order[i] as number;
      yield [FIELD_NAMES[id] as string, values[id] as JsonValue];
    }
    if (this.overflow !== null) yield* this.overflow;
  }

  /** Every leaf value as a string (keyword searches). */
  allStrings(): string[] {
    const out: string[] = [];
    for (const [k, v] of this.entries()) {
      if (v === null || (this.derived && isDerived(k))) continue;
      if (Array.isArray(v)) for (const x of v) out.push(String(x));
      else if (typeof v !== 'object') out.push(String(v));
    }
    return out;
  }
}
