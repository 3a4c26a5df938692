import { type EvtxValue, readUtf16, readValue } from './values.js';
import { EvtxFormatError } from './warnings.js';

/** Node kinds of the parsed BinXML tree (numbers: compared on the hot path). */
export const K_ELEMENT = 0;
export const K_TEXT = 1;
export const K_SUBST = 2;
export const K_TEMPLATE = 3;

export interface XmlElement {
  k: typeof K_ELEMENT;
  name: string;
  attrs: XmlAttribute[];
  children: XmlNode[];
}
export interface XmlAttribute {
  name: string;
  parts: XmlNode[];
}
export interface XmlText {
  k: typeof K_TEXT;
  value: string;
}
export interface XmlSubstitution {
  k: typeof K_SUBST;
  index: number;
  type: number;
}
export interface XmlTemplateInstance {
  k: typeof K_TEMPLATE;
  template: Template;
  values: EvtxValue[];
}
export type XmlNode = XmlElement | XmlText | XmlSubstitution | XmlTemplateInstance;

/** A template definition: parsed once per chunk, shared by every record that instantiates it. */
export interface Template {
  nodes: XmlNode[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_DEPTH = 64;

/** Per-chunk parsing state: the chunk bytes and its caches of names and templates (keyed by offset). */
export class BinXmlContext {
  readonly dv: DataView;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, Template>();
  private depth = 0;

  constructor(readonly buf: Uint8Array) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  private u16(off: number): number {
    if (off + 2 > this.buf.length) throw new EvtxFormatError('BinXML truncated');
    return this.dv.getUint16(off, true);
  }

  private u32(off: number): number {
    if (off + 4 > this.buf.length) throw new EvtxFormatError('BinXML truncated');
    return this.dv.getUint32(off, true);
  }

  /** Name at chunk offset `off` (u32 next, u16 hash, u16 length, UTF-16 chars, NUL). */
  private name(off: number): string {
    let n = this.names.get(off);
    if (n === undefined) {
      const len = this.u16(off + 6);
      if (off + 8 + 2 * len > this.buf.length) throw new EvtxFormatError('name overflows its chunk');
      n = readUtf16(this.buf, off + 8, len);
      this.names.set(off, n);
    }
    return n;
  }

  /** Position after the last name reference read (inline names are skipped). */
  private afterName = 0;

  /** Reads a name reference at `pos`; returns the name and sets `afterName` (no tuple on the hot path). */
  private nameRef(pos: number): string {
    const off = this.u32(pos);
    let next = pos + 4;
    const name = this.name(off);
    if (off === next) next += 10 + 2 * this.u16(off + 6);
    this.afterName = next;
    return name;
  }

  private template(defOff: number): Template {
    let t = this.templates.get(defOff);
    if (t === undefined) {
      const size = this.u32(defOff + 20);
      const start = defOff + 24;
      if (start + size > this.buf.length) throw new EvtxFormatError('template overflows its chunk');
      t = { nodes: [] };
      // Registered before parsing so a self-referencing template cannot recurse forever.
      this.templates.set(defOff, t);
      t.nodes = this.parse(start, start + size);
    }
    return t;
  }

  /** Parses BinXML tokens in `[start, end)` into a node list. */
  parse(start: number, end: number): XmlNode[] {
    if (++this.depth > MAX_DEPTH) {
      this.depth--;
      throw new EvtxFormatError('BinXML nesting too deep');
    }
    try {
      return this.parseTokens(start, end);
    } finally {
      this.depth--;
    }
  }

  private parseTokens(start: number, end: number): XmlNode[] {
    const buf = this.buf;
    if (end > buf.length) throw new EvtxFormatError('BinXML overflows its chunk');
    const root: XmlNode[] = [];
    const stack: XmlElement[] = [];
    let attr: XmlAttribute | null = null;
    let pos = start;
    const add = (node: XmlNode) => {
      if (attr !== null) attr.parts.push(node);
      else {
        const top = stack[stack.length - 1];
        if (top) top.children.push(node);
        else root.push(node);
      }
    };
    while (pos < end) {
      const token = buf[pos] as number;
      switch (token & 0xbf) {
        case 0x00:
          return root;
        case 0x0f:
          pos += 4;
          break;
        case 0x01: {
          pos += 1 + 2 + 4; // token, dependency id, data size
          const name = this.nameRef(pos);
          pos = this.afterName;
          if (token & 0x40) pos += 4; // attribute list size
          const el: XmlElement = { k: K_ELEMENT, name, attrs: [], children: [] };
          attr = null;
          add(el);
          if (stack.length >= MAX_DEPTH * 4) throw new EvtxFormatError('XML nesting too deep');
          stack.push(el);
          break;
        }
        case 0x02:
          pos++;
          attr = null;
          break;
        case 0x03:
        case 0x04:
          pos++;
          attr = null;
          if (stack.pop() === undefined) throw new EvtxFormatError('unbalanced end of element');
          break;
        case 0x05: {
          const type = buf[pos + 1] as number;
          pos += 2;
          if (type === 0x01) {
            const len = this.u16(pos);
            if (pos + 2 + 2 * len > end) throw new EvtxFormatError('value text overflows');
            add({ k: K_TEXT, value: readUtf16(buf, pos + 2, len) });
            pos += 2 + 2 * len;
          } else if (type === 0x02) {
            const len = this.u16(pos);
            if (pos + 2 + len > end) throw new EvtxFormatError('value text overflows');
            add({ k: K_TEXT, value: String.fromCharCode(...buf.subarray(pos + 2, pos + 2 + len)) });
            pos += 2 + len;
          } else {
            throw new EvtxFormatError(`unsupported inline value type 0x${type.toString(16)}`);
          }
          break;
        }
        case 0x06: {
          const top = stack[stack.length - 1];
          if (!top) throw new EvtxFormatError('attribute outside an element');
          const name = this.nameRef(pos + 1);
          pos = this.afterName;
          attr = { name, parts: [] };
          top.attrs.push(attr);
          break;
        }
        case 0x07: {
          const len = this.u16(pos + 1);
          if (pos + 3 + 2 * len > end) throw new EvtxFormatError('CDATA overflows');
          add({ k: K_TEXT, value: readUtf16(buf, pos + 3, len) });
          pos += 3 + 2 * len;
          break;
        }
        case 0x08:
          add({ k: K_TEXT, value: String.fromCharCode(this.u16(pos + 1)) });
          pos += 3;
          break;
        case 0x09: {
          const name = this.nameRef(pos + 1);
          pos = this.afterName;
          add({ k: K_TEXT, value: ENTITIES[name] ?? `&${name};` });
          break;
        }
        case 0x0a:
          this.nameRef(pos + 1);
          pos = this.afterName;
          break;
        case 0x0b:
          pos += 3 + 2 * this.u16(pos + 1);
          break;
        case 0x0c:
          pos = this.templateInstance(pos, end, add);
          break;
        case 0x0d:
        case 0x0e:
          add({ k: K_SUBST, index: this.u16(pos + 1), type: buf[pos + 3] as number });
          pos += 4;
          break;
        default:
          throw new EvtxFormatError(`unknown BinXML token 0x${token.toString(16)} at ${pos}`);
      }
    }
    if (pos > end) throw new EvtxFormatError('BinXML token overruns its fragment');
    return root;
  }

  private templateInstance(pos: number, end: number, add: (n: XmlNode) => void): number {
    const defOff = this.u32(pos + 6);
    pos += 10;
    if (defOff === pos) pos += 24 + this.u32(pos + 20); // inline definition: skip it
    const template = this.template(defOff);
    const count = this.u32(pos);
    pos += 4;
    if (pos + 4 * count > end) throw new EvtxFormatError('substitution array overflows');
    const values: EvtxValue[] = new Array(count);
    let vpos = pos + 4 * count;
    const dv = this.dv;
    for (let i = 0; i < count; i++) {
      const size = dv.getUint16(pos + 4 * i, true);
      const type = this.buf[pos + 4 * i + 2] as number;
      if (vpos + size > end) throw new EvtxFormatError('substitution value overflows');
      values[i] = readValue(dv, this.buf, type, vpos, size, (o, s) => this.parse(o, o + s));
      vpos += size;
    }
    add({ k: K_TEMPLATE, template, values });
    return vpos;
  }
}
