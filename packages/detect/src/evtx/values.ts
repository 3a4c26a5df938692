import { EvtxFormatError } from './warnings.js';

/** A decoded substitution value. Nested BinXML is kept as a fragment to render in place. */
export type EvtxValue = string | number | boolean | null | EvtxValue[] | BinXmlFragmentValue;

/** A substitution of type BinXml (0x21): rendered as child elements where it is substituted. */
export interface BinXmlFragmentValue {
  readonly fragment: unknown[];
}

export enum ValueType {
  Null = 0x00,
  WString = 0x01,
  AnsiString = 0x02,
  Int8 = 0x03,
  UInt8 = 0x04,
  Int16 = 0x05,
  UInt16 = 0x06,
  Int32 = 0x07,
  UInt32 = 0x08,
  Int64 = 0x09,
  UInt64 = 0x0a,
  Real32 = 0x0b,
  Real64 = 0x0c,
  Bool = 0x0d,
  Binary = 0x0e,
  Guid = 0x0f,
  SizeT = 0x10,
  FileTime = 0x11,
  SysTime = 0x12,
  Sid = 0x13,
  HexInt32 = 0x14,
  HexInt64 = 0x15,
  EvtHandle = 0x20,
  BinXml = 0x21,
  EvtXml = 0x23,
}

const utf16 = new TextDecoder('utf-16le');
const latin1 = new TextDecoder('latin1');

/** Decodes `chars` UTF-16LE code units at `off`; short pure-ASCII strings skip the TextDecoder call. */
export function readUtf16(buf: Uint8Array, off: number, chars: number): string {
  if (chars <= 0) return '';
  if (chars <= 24) {
    let s = '';
    for (let i = 0; i < chars; i++) {
      const p = off + 2 * i;
      const hi = buf[p + 1] as number;
      const lo = buf[p] as number;
      if (hi !== 0 || lo >= 0x80) return utf16.decode(buf.subarray(off, off + 2 * chars));
      s += String.fromCharCode(lo);
    }
    return s;
  }
  return utf16.decode(buf.subarray(off, off + 2 * chars));
}

/** UTF-16 string of `bytes` bytes, cut at the first NUL (as the reference renderer does). */
function readWString(buf: Uint8Array, off: number, bytes: number): string {
  let chars = bytes >>> 1;
  for (let i = 0; i < chars; i++) {
    if (buf[off + 2 * i] === 0 && buf[off + 2 * i + 1] === 0) {
      chars = i;
      break;
    }
  }
  // The reference rendering drops trailing whitespace of string values.
  const s = readUtf16(buf, off, chars);
  const last = s.charCodeAt(s.length - 1);
  return last === 32 || last === 9 || last === 10 || last === 13 ? s.trimEnd() : s;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function hexUpper(buf: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += HEX[buf[off + i] as number];
  return s;
}

function readGuid(dv: DataView, buf: Uint8Array, off: number): string {
  const d1 = dv.getUint32(off, true).toString(16).toUpperCase().padStart(8, '0');
  const d2 = dv
    .getUint16(off + 4, true)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0');
  const d3 = dv
    .getUint16(off + 6, true)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0');
  return `${d1}-${d2}-${d3}-${hexUpper(buf, off + 8, 2)}-${hexUpper(buf, off + 10, 6)}`;
}

function readSid(dv: DataView, buf: Uint8Array, off: number, size: number): string {
  if (size < 8) throw new EvtxFormatError('SID too short');
  const revision = buf[off] as number;
  const count = buf[off + 1] as number;
  if (8 + 4 * count > size) throw new EvtxFormatError('SID sub-authorities overflow');
  // 48-bit big-endian identifier authority.
  const authority = dv.getUint16(off + 2, false) * 2 ** 32 + dv.getUint32(off + 4, false);
  let s = `S-${revision}-${authority}`;
  for (let i = 0; i < count; i++) s += `-${dv.getUint32(off + 8 + 4 * i, true)}`;
  return s;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** ISO-8601 UTC with microseconds (the reference rendering truncates FILETIME's 100 ns to µs). */
export function formatTimestamp(epochSeconds: number, nanos: number): string {
  const micros = Math.floor(nanos / 1000);
  const fraction = micros >= 100000 ? `${micros}` : `${micros}`.padStart(6, '0');
  // Years 0000–9999: the native ISO form has the same date and time digits.
  if (epochSeconds >= -62167219200 && epochSeconds <= 253402300799)
    return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
  const d = new Date(epochSeconds * 1000);
  const y = d.getUTCFullYear();
  if (!Number.isFinite(y)) throw new EvtxFormatError('timestamp out of range');
  const date = `${y < 0 ? '-' : ''}${String(Math.abs(y)).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return `${date}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

const FT_EPOCH_SECONDS = 11644473600;

/** FILETIME (100 ns ticks since 1601, as two 32-bit halves) to the reference ISO string. */
export function formatFileTime(lo: number, hi: number): string {
  if (hi < 0x40000000) {
    // 2^32 = 429·10^7 + 4967296; hi·4967296 + lo < 2^53 here, so the arithmetic is exact without BigInt.
    const rest = hi * 4967296 + lo;
    const secs = hi * 429 + Math.floor(rest / 10_000_000) - FT_EPOCH_SECONDS;
    return formatTimestamp(secs, (rest % 10_000_000) * 100);
  }
  const ticks = (BigInt(hi) << 32n) | BigInt(lo);
  const secs = Number(ticks / 10_000_000n) - FT_EPOCH_SECONDS;
  const nanos = Number(ticks % 10_000_000n) * 100;
  return formatTimestamp(secs, nanos);
}

function formatSysTime(dv: DataView, off: number): string {
  const year = dv.getUint16(off, true);
  const month = dv.getUint16(off + 2, true);
  const day = dv.getUint16(off + 6, true);
  const hour = dv.getUint16(off + 8, true);
  const minute = dv.getUint16(off + 10, true);
  const second = dv.getUint16(off + 12, true);
  const ms = dv.getUint16(off + 14, true);
  if (year === 0 && month === 0 && day === 0) return '';
  const secs = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  if (Number.isNaN(secs)) throw new EvtxFormatError('invalid SYSTEMTIME');
  return formatTimestamp(secs, ms * 1_000_000);
}

/** Fixed element size of scalar value types (0 when variable). */
function scalarSize(type: number, size: number): number {
  switch (type) {
    case ValueType.Int8:
    case ValueType.UInt8:
      return 1;
    case ValueType.Int16:
    case ValueType.UInt16:
      return 2;
    case ValueType.Int32:
    case ValueType.UInt32:
    case ValueType.Real32:
    case ValueType.Bool:
    case ValueType.HexInt32:
      return 4;
    case ValueType.Int64:
    case ValueType.UInt64:
    case ValueType.Real64:
    case ValueType.FileTime:
    case ValueType.HexInt64:
      return 8;
    case ValueType.Guid:
    case ValueType.SysTime:
      return 16;
    case ValueType.SizeT:
      return size === 4 ? 4 : 8;
    default:
      return 0;
  }
}

function hex32(v: number): string {
  return `0x${v.toString(16)}`;
}

function hex64(dv: DataView, off: number): string {
  const hi = dv.getUint32(off + 4, true);
  const lo = dv.getUint32(off, true);
  if (hi === 0) return `0x${lo.toString(16)}`;
  return `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
}

function u64(dv: DataView, off: number): number {
  return dv.getUint32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
}

function i64(dv: DataView, off: number): number {
  return dv.getInt32(off + 4, true) * 4294967296 + dv.getUint32(off, true);
}

/** Decodes one fixed-size scalar at `off`. */
function readScalar(dv: DataView, buf: Uint8Array, type: number, off: number, size: number): EvtxValue {
  switch (type) {
    case ValueType.Int8:
      return dv.getInt8(off);
    case ValueType.UInt8:
      return buf[off] as number;
    case ValueType.Int16:
      return dv.getInt16(off, true);
    case ValueType.UInt16:
      return dv.getUint16(off, true);
    case ValueType.Int32:
      return dv.getInt32(off, true);
    case ValueType.UInt32:
      return dv.getUint32(off, true);
    case ValueType.Int64:
      return i64(dv, off);
    case ValueType.UInt64:
      return u64(dv, off);
    case ValueType.Real32:
      return dv.getFloat32(off, true);
    case ValueType.Real64:
      return dv.getFloat64(off, true);
    case ValueType.Bool:
      return dv.getInt32(off, true) !== 0;
    case ValueType.Guid:
      return readGuid(dv, buf, off);
    case ValueType.SizeT:
      return size === 4 ? hex32(dv.getUint32(off, true)) : hex64(dv, off);
    case ValueType.FileTime:
      return formatFileTime(dv.getUint32(off, true), dv.getUint32(off + 4, true));
    case ValueType.SysTime:
      return formatSysTime(dv, off);
    case ValueType.HexInt32:
      return hex32(dv.getUint32(off, true));
    case ValueType.HexInt64:
      return hex64(dv, off);
    default:
      throw new EvtxFormatError(`unknown value type 0x${type.toString(16)}`);
  }
}

/**
 * Decodes a substitution value of `type` spanning `size` bytes at `off`.
 * `parseFragment` renders nested BinXML (type 0x21) into nodes.
 */
export function readValue(
  dv: DataView,
  buf: Uint8Array,
  type: number,
  off: number,
  size: number,
  parseFragment: (off: number, size: number) => unknown[],
): EvtxValue {
  if (off + size > buf.length) throw new EvtxFormatError('value overflows its chunk');
  switch (type) {
    case ValueType.Null:
      return null;
    case ValueType.WString:
      return readWString(buf, off, size);
    case ValueType.AnsiString: {
      let end = off;
      while (end < off + size && buf[end] !== 0) end++;
      return latin1.decode(buf.subarray(off, end));
    }
    case ValueType.Binary:
      return hexUpper(buf, off, size);
    case ValueType.Sid:
      return readSid(dv, buf, off, size);
    case ValueType.BinXml:
      return size === 0 ? null : { fragment: parseFragment(off, size) };
    case ValueType.EvtHandle:
    case ValueType.EvtXml:
      return null;
    case 0x81: {
      // Array of NUL-terminated UTF-16 strings.
      const out: string[] = [];
      let start = off;
      const end = off + size - (size & 1);
      for (let p = off; p < end; p += 2) {
        if (buf[p] === 0 && buf[p + 1] === 0) {
          out.push(readUtf16(buf, start, (p - start) >>> 1));
          start = p + 2;
        }
      }
      if (start < end) out.push(readUtf16(buf, start, (end - start) >>> 1));
      return out;
    }
    case 0x82: {
      const out: string[] = [];
      let start = off;
      for (let p = off; p < off + size; p++) {
        if (buf[p] === 0) {
          out.push(latin1.decode(buf.subarray(start, p)));
          start = p + 1;
        }
      }
      if (start < off + size) out.push(latin1.decode(buf.subarray(start, off + size)));
      return out;
    }
    case 0x8e:
      return hexUpper(buf, off, size);
    case 0x93: {
      const out: string[] = [];
      let p = off;
      while (p + 8 <= off + size) {
        const len = 8 + 4 * (buf[p + 1] as number);
        out.push(readSid(dv, buf, p, Math.min(len, off + size - p)));
        p += len;
      }
      return out;
    }
    default: {
      if (type & 0x80) {
        const base = type & 0x7f;
        const el = scalarSize(base, 8);
        if (el === 0) throw new EvtxFormatError(`unknown array type 0x${type.toString(16)}`);
        const out: EvtxValue[] = [];
        for (let p = off; p + el <= off + size; p += el) out.push(readScalar(dv, buf, base, p, el));
        return out;
      }
      const need = scalarSize(type, size);
      if (need === 0) throw new EvtxFormatError(`unknown value type 0x${type.toString(16)}`);
      if (size < need) throw new EvtxFormatError(`value of type 0x${type.toString(16)} too short (${size} bytes)`);
      return readScalar(dv, buf, type, off, size);
    }
  }
}
