import { K_ELEMENT, K_SUBST, K_TEMPLATE, K_TEXT, type XmlAttribute, type XmlElement, type XmlNode } from './binxml.js';
import type { BinXmlFragmentValue, EvtxValue } from './values.js';

/** JSON value of a rendered event (same shape as the Rust `evtx` crate's JSON output). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

type Scalar = Exclude<EvtxValue, BinXmlFragmentValue>;
const NONE: EvtxValue[] = [];

function isFragment(v: EvtxValue): v is BinXmlFragmentValue {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Flattens content into child elements (with their substitution values) and text values. */
function collect(nodes: XmlNode[], values: EvtxValue[], els: [XmlElement, EvtxValue[]][], texts: Scalar[]): void {
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i] as XmlNode;
    switch (n.k) {
      case K_ELEMENT:
        els.push([n, values]);
        break;
      case K_TEXT:
        texts.push(n.value);
        break;
      case K_SUBST: {
        const v = values[n.index];
        if (v === undefined || v === null) break;
        if (isFragment(v)) collect(v.fragment as XmlNode[], NONE, els, texts);
        else texts.push(v);
        break;
      }
      case K_TEMPLATE:
        collect(n.template.nodes, n.values, els, texts);
        break;
    }
  }
}

const MULTI = Symbol('multi');

/** Value of content made of one text or one non-fragment substitution without allocating; MULTI otherwise. */
function singleValue(nodes: XmlNode[], values: EvtxValue[]): Scalar | undefined | typeof MULTI {
  if (nodes.length === 0) return undefined;
  if (nodes.length !== 1) return MULTI;
  const n = nodes[0] as XmlNode;
  if (n.k === K_TEXT) return n.value;
  if (n.k === K_SUBST) {
    const v = values[n.index];
    if (v === undefined || v === null) return undefined;
    return isFragment(v) ? MULTI : v;
  }
  return MULTI;
}

function textOf(v: Scalar): string {
  return Array.isArray(v) ? v.map((x) => textOf(x as Scalar)).join(',') : v === null ? '' : String(v);
}

/** One text value, or the concatenation of several as a string. */
function joinTexts(texts: Scalar[]): JsonValue {
  if (texts.length === 1) return texts[0] as JsonValue;
  let s = '';
  for (const t of texts) s += textOf(t);
  return s;
}

function renderAttributes(attrs: XmlAttribute[], values: EvtxValue[]): JsonObject | null {
  let out: JsonObject | null = null;
  for (const a of attrs) {
    let v: JsonValue;
    const single = singleValue(a.parts, values);
    if (single === undefined) continue;
    if (single !== MULTI) v = single as JsonValue;
    else {
      const texts: Scalar[] = [];
      collect(a.parts, values, [], texts);
      if (texts.length === 0) continue;
      v = joinTexts(texts);
    }
    if (v === '' || v === null) continue;
    if (out === null) out = {};
    out[a.name] = v;
  }
  return out;
}

/** Key for a member: the name, or name_1, name_2… when it is already taken (reference rendering). */
function memberName(name: string, obj: JsonObject): string {
  if (!(name in obj)) return name;
  let n = 1;
  while (`${name}_${n}` in obj) n++;
  return `${name}_${n}`;
}

function dataValue(el: XmlElement, values: EvtxValue[]): JsonValue {
  const single = singleValue(el.children, values);
  if (single === undefined) return '';
  if (single !== MULTI) return single as JsonValue;
  const texts: Scalar[] = [];
  collect(el.children, values, [], texts);
  return texts.length === 0 ? '' : joinTexts(texts);
}

function nameAttribute(el: XmlElement, values: EvtxValue[]): string | null {
  for (const a of el.attrs) {
    if (a.name !== 'Name') continue;
    const single = singleValue(a.parts, values);
    if (single === undefined) return null;
    if (typeof single === 'string') return single === '' ? null : single;
    const texts: Scalar[] = [];
    collect(a.parts, values, [], texts);
    const v = texts.length === 0 ? '' : textOf(joinTexts(texts) as Scalar);
    return v === '' ? null : v;
  }
  return null;
}

/** Renders one element's value: scalar, null, or object with `#attributes` / `#text` / children. */
export function renderElement(el: XmlElement, values: EvtxValue[]): JsonValue {
  const attrs = el.attrs.length === 0 ? null : renderAttributes(el.attrs, values);
  const single = singleValue(el.children, values);
  if (single !== MULTI) {
    const text = single === undefined ? null : (single as JsonValue);
    if (attrs === null) return text;
    const obj: JsonObject = { '#attributes': attrs };
    if (text !== null) obj['#text'] = text;
    return obj;
  }
  const els: [XmlElement, EvtxValue[]][] = [];
  const texts: Scalar[] = [];
  collect(el.children, values, els, texts);
  if (els.length === 0) {
    const text = texts.length === 0 ? null : joinTexts(texts);
    if (attrs === null) return text;
    const obj: JsonObject = { '#attributes': attrs };
    if (text !== null) obj['#text'] = text;
    return obj;
  }
  const obj: JsonObject = {};
  if (attrs !== null) obj['#attributes'] = attrs;
  const container = el.name === 'EventData' || el.name === 'UserData';
  let named = false;
  if (container) {
    for (let i = 0; i < els.length; i++) {
      const pair = els[i] as [XmlElement, EvtxValue[]];
      const c = pair[0];
      const v = pair[1];
      if (c.name === 'Data' && nameAttribute(c, v) !== null) {
        named = true;
        break;
      }
    }
  }
  let positionalDone = false;
  for (let i = 0; i < els.length; i++) {
    const c = (els[i] as [XmlElement, EvtxValue[]])[0];
    const v = (els[i] as [XmlElement, EvtxValue[]])[1];
    if (container && c.name === 'Data') {
      if (named) {
        const key = nameAttribute(c, v);
        if (key !== null) obj[memberName(key, obj)] = dataValue(c, v);
      } else if (!positionalDone) {
        positionalDone = true;
        const data: JsonValue[] = [];
        for (let j = 0; j < els.length; j++) {
          const pair = els[j] as [XmlElement, EvtxValue[]];
          const d = pair[0];
          const dv = pair[1];
          if (d.name === 'Data') data.push(dataValue(d, dv));
        }
        obj.Data = { '#text': data.length === 1 ? (data[0] as JsonValue) : data };
      }
      continue;
    }
    obj[memberName(c.name, obj)] = renderElement(c, v);
  }
  return obj;
}

/** Renders a record's BinXML node list into `{ Event: … }` (the root element keyed by its name). */
export function renderRecord(nodes: XmlNode[]): JsonObject {
  const els: [XmlElement, EvtxValue[]][] = [];
  collect(nodes, NONE, els, []);
  const out: JsonObject = {};
  for (let i = 0; i < els.length; i++) {
    const pair = els[i] as [XmlElement, EvtxValue[]];
    out[pair[0].name] = renderElement(pair[0], pair[1]);
  }
  return out;
}
