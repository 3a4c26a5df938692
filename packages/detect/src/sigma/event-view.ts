import type { JsonObject, JsonValue } from '../evtx/render.js';
import { addSysmonForms, isDerived } from './security-4688.js';

const NONE = new Uint32Array(0);
const NO_ATOMS = new Int32Array(0);

/**
 * `Element_Attribute` names, built once per pair (System has a handful: Provider_Name, TimeCreated_SystemTime…)
 * so events do not concatenate and hash new strings; bounded against hostile input (then built each time).
 */
const qualified = new Map<string, Map<string, string>>();
let qualifiedCount = 0;
const MAX_QUALIFIED = 4096;

function qualifiedName(element: string, attribute: string): string {
  let byAttr = qualified.get(element);
  if (byAttr === undefined) {
    if (qualifiedCount >= MAX_QUALIFIED) return `${element}_${attribute}`;
    byAttr = new Map();
    qualified.set(element, byAttr);
  }
  let name = byAttr.get(attribute);
  if (name === undefined) {
    name = `${element}_${attribute}`;
    if (qualifiedCount < MAX_QUALIFIED) {
      byAttr.set(attribute, name);
      qualifiedCount++;
    }
  }
  return name;
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
  readonly fields = new Map<string, JsonValue>();
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
  private lowered: Map<string, string[] | null> | null = null;
  /** Whether `fields` holds derived values (Sysmon forms of a Security 4688 event) besides the event's own. */
  private derived = false;
  readonly channel: string;
  readonly eventId: number;
  readonly computer: string;
  readonly timestamp: string;

  constructor(
    readonly event: JsonObject,
    readonly recordId = 0,
    fallbackTimestamp = '',
  ) {
    const root = isObject(event.Event) ? event.Event : event;
    const system = isObject(root.System) ? root.System : {};
    for (const key in system) this.addSystem(key, system[key] as JsonValue);
    for (const key in root) {
      if (key === 'System' || key === '#attributes') continue;
      this.addData(root[key] as JsonValue, key);
    }
    const ch = this.fields.get('Channel');
    this.channel = typeof ch === 'string' ? ch : '';
    const id = this.fields.get('EventID');
    this.eventId = typeof id === 'number' ? id : Number(id ?? Number.NaN);
    const comp = this.fields.get('Computer');
    this.computer = typeof comp === 'string' ? comp : '';
    const t = this.fields.get('TimeCreated_SystemTime');
    this.timestamp = typeof t === 'string' ? t : fallbackTimestamp;
    if (this.eventId === 4688 && this.channel === 'Security') {
      addSysmonForms(this.fields);
      this.derived = true;
    }
  }

  private addSystem(key: string, value: JsonValue): void {
    if (isObject(value)) {
      const attrs = value['#attributes'];
      if (isObject(attrs)) {
        for (const a in attrs) {
          this.fields.set(qualifiedName(key, a), attrs[a] as JsonValue);
          if (!this.fields.has(a)) this.fields.set(a, attrs[a] as JsonValue);
        }
      }
      if ('#text' in value) this.fields.set(key, value['#text'] as JsonValue);
      return;
    }
    this.fields.set(key, value);
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
    if (!this.fields.has(key)) this.fields.set(key, value);
    // Defender and some other providers name fields with spaces ("Source Name"); Sigma rules drop them.
    if (key.includes(' ')) {
      const compact = key.replaceAll(' ', '');
      if (!this.fields.has(compact)) this.fields.set(compact, value);
    }
  }

  /** Raw value of a field (exact name, as Sigma field names are), undefined when absent. */
  get(field: string): JsonValue | undefined {
    return this.fields.get(field);
  }

  /** String forms of a field's value(s) (arrays give one per item), or null when the field is absent or null. */
  strings(field: string, lower: boolean): string[] | null {
    if (lower) {
      if (this.lowered === null) this.lowered = new Map();
      const cached = this.lowered.get(field);
      if (cached !== undefined) return cached;
      const v = this.get(field);
      const out =
        typeof v === 'string'
          ? [v.toLowerCase()]
          : v === undefined || v === null
            ? null
            : (this.strings(field, false) as string[]).map((s) => s.toLowerCase());
      this.lowered.set(field, out);
      return out;
    }
    const v = this.get(field);
    if (v === undefined || v === null) return null;
    if (Array.isArray(v))
      return v.map((x) => (x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x)));
    if (typeof v === 'object') return [JSON.stringify(v)];
    return [String(v)];
  }

  /** Every leaf value as a string (keyword searches). */
  allStrings(): string[] {
    const out: string[] = [];
    for (const [k, v] of this.fields) {
      if (v === null || (this.derived && isDerived(k))) continue;
      if (Array.isArray(v)) for (const x of v) out.push(String(x));
      else if (typeof v !== 'object') out.push(String(v));
    }
    return out;
  }
}
