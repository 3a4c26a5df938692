import type { EventView } from './event-view.js';
import { ANY, compileGlob, isLiteral, type PatternPart, parseWildcards, type StringTest } from './glob.js';
import { KEYWORDS, type LiteralIndex, type LiteralKind } from './literal-index.js';
import { type EventTest, needOfAll, needOfAny, withNeed } from './requirement.js';
import type { RuleProblem } from './rule-parser.js';

export type { EventTest } from './requirement.js';

/** Raised while compiling a rule: the rule is reported with this code and not loaded. */
export class RuleCompileError extends Error {
  constructor(
    readonly code: RuleProblem['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Longest field value a regular expression is run on (bounds the time of a `re` test). */
export const MAX_REGEX_INPUT = 65536;

const KNOWN = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  're',
  'i',
  'm',
  's',
  'cidr',
  'base64',
  'base64offset',
  'windash',
  'utf16',
  'utf16le',
  'utf16be',
  'wide',
  'exists',
  'cased',
  'fieldref',
  'lt',
  'lte',
  'gt',
  'gte',
  'neq',
]);
const UNSUPPORTED = new Set(['expand', 'minute', 'hour', 'day', 'week', 'month', 'year']);

// ---------------------------------------------------------------------------
// Value transformations (windash, utf16, base64)

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

/** windash: every command-line flag dash (or slash) in each Windows dash variant. */
export function windashVariants(value: string): string[] {
  const positions: number[] = [];
  const re = /\B[-/]\b/g;
  for (let m = re.exec(value); m !== null; m = re.exec(value)) positions.push(m.index);
  if (positions.length === 0) return [value];
  if (positions.length > 3) {
    // Uniform replacement keeps the expansion bounded (5 variants instead of 5^n).
    return DASHES.map((d) => {
      const chars = [...value];
      for (const p of positions) chars[p] = d;
      return chars.join('');
    });
  }
  let out = [''];
  let prev = 0;
  for (const p of positions) {
    const lit = value.slice(prev, p);
    out = out.flatMap((o) => DASHES.map((d) => o + lit + d));
    prev = p + 1;
  }
  const tail = value.slice(prev);
  return out.map((o) => o + tail);
}

function encodeText(value: string, encoding: string | null): Uint8Array {
  if (encoding === null) return new TextEncoder().encode(value);
  const le = new Uint8Array(value.length * 2);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (encoding === 'utf16be') {
      le[2 * i] = c >> 8;
      le[2 * i + 1] = c & 0xff;
    } else {
      le[2 * i] = c & 0xff;
      le[2 * i + 1] = c >> 8;
    }
  }
  if (encoding === 'utf16') {
    const withBom = new Uint8Array(le.length + 2);
    withBom.set([0xff, 0xfe]);
    withBom.set(le, 2);
    return withBom;
  }
  return le;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** base64offset: the three encodings of `bytes` at offsets 0, 1, 2 without their unstable edges. */
export function base64OffsetVariants(bytes: Uint8Array): string[] {
  const starts = [0, 2, 3];
  const ends = [0, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const shifted = new Uint8Array(bytes.length + i);
    shifted.fill(0x20, 0, i);
    shifted.set(bytes, i);
    const enc = b64(shifted);
    const end = ends[(bytes.length + i) % 3] as number;
    out.push(enc.slice(starts[i], end === 0 ? undefined : enc.length + end));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Regular expressions

/** Rejects patterns liable to catastrophic backtracking: a quantified group that itself contains a quantifier. */
export function checkRegexSafety(pattern: string): string | null {
  const stack: boolean[] = []; // per open group: contains a quantifier
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const inner = stack.pop() ?? false;
      const next = pattern[i + 1];
      const quantified = next === '*' || next === '+' || (next === '{' && /^\{\d*,\d*\}/.test(pattern.slice(i + 1)));
      if (inner && quantified) return 'quantificateurs imbriqués (retour arrière catastrophique possible)';
      if (stack.length > 0 && (inner || quantified)) stack[stack.length - 1] = true;
    } else if (c === '*' || c === '+' || (c === '{' && /^\{\d*,\d*\}/.test(pattern.slice(i)))) {
      if (stack.length > 0) stack[stack.length - 1] = true;
    }
  }
  return null;
}

/** Translates the PCRE subset Sigma allows into a JS RegExp (leading inline flags, \A \Z, (?P<n>)). */
export function compileRegex(pattern: string, flags: string): RegExp {
  let p = pattern;
  let f = flags;
  const inline = /^\(\?([imsx]+)\)/.exec(p);
  if (inline) {
    if (inline[1]!.includes('x')) throw new RuleCompileError('regex', 'drapeau (?x) non pris en charge');
    for (const ch of inline[1]!) if (!f.includes(ch)) f += ch;
    p = p.slice(inline[0].length);
  }
  p = p
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\[Zz]/g, '$');
  if (/\(\?[a-zA-Z-]+[:)]/.test(p) || p.includes('(?>') || /[*+?}][+]/.test(p.replace(/\\./g, 'x')))
    throw new RuleCompileError('regex', `construction PCRE non prise en charge dans /${pattern}/`);
  const unsafe = checkRegexSafety(p);
  if (unsafe) throw new RuleCompileError('regex', `expression régulière refusée /${pattern}/ : ${unsafe}`);
  try {
    return new RegExp(p, f);
  } catch (e) {
    throw new RuleCompileError('regex', `expression régulière invalide /${pattern}/ : ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------
// CIDR

function parseIpv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const b = Number(m[i]);
    if (b > 255) return null;
    n = n * 256 + b;
  }
  return n;
}

function parseIpv6(s: string): bigint | null {
  let str = s;
  const pct = str.indexOf('%');
  if (pct >= 0) str = str.slice(0, pct);
  if (!/^[0-9a-fA-F:.]+$/.test(str) || str.length > 45) return null;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(str);
  let tail: number[] = [];
  if (v4) {
    const n = parseIpv4(v4[1]!);
    if (n === null) return null;
    tail = [Math.floor(n / 65536), n % 65536];
    str = str.slice(0, -v4[1]!.length) + (str.endsWith(`:${v4[1]}`) ? '0' : '');
    if (str.endsWith(':0')) str = str.slice(0, -2) || ':';
  }
  const halves = str.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) =>
    h === '' ? [] : h.split(':').map((x) => (/^[0-9a-fA-F]{1,4}$/.test(x) ? Number.parseInt(x, 16) : Number.NaN));
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const total = 8 - tail.length;
  let groups: number[];
  if (halves.length === 2) {
    const fill = total - head.length - rest.length;
    if (fill < 0) return null;
    groups = [...head, ...new Array(fill).fill(0), ...rest];
  } else groups = head;
  groups = [...groups, ...tail];
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** A CIDR test over IP address strings (IPv4 or IPv6). */
export function compileCidr(cidr: string): (ip: string) => boolean {
  const [addr, bitsText] = cidr.split('/');
  const v4 = parseIpv4(addr ?? '');
  if (v4 !== null) {
    const bits = bitsText === undefined ? 32 : Number(bitsText);
    if (!Number.isInteger(bits) || bits < 0 || bits > 32)
      throw new RuleCompileError('schema', `CIDR invalide : ${cidr}`);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const net = (v4 & mask) >>> 0;
    return (ip) => {
      const n = parseIpv4(ip);
      return n !== null && (n & mask) >>> 0 === net;
    };
  }
  const v6 = parseIpv6(addr ?? '');
  if (v6 === null) throw new RuleCompileError('schema', `CIDR invalide : ${cidr}`);
  const bits = bitsText === undefined ? 128 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 128)
    throw new RuleCompileError('schema', `CIDR invalide : ${cidr}`);
  const mask = bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits);
  const net = v6 & mask;
  return (ip) => {
    const n = parseIpv6(ip);
    return n !== null && (n & mask) === net;
  };
}

// ---------------------------------------------------------------------------
// Field items

/** Field reading of a compiled item: the event field name (after log-source mapping). */
export interface FieldItem {
  field: string;
  modifiers: string[];
  values: unknown[];
}

function anyString(values: string[] | null, test: (s: string) => boolean): boolean {
  if (values === null) return false;
  for (let i = 0; i < values.length; i++) if (test(values[i] as string)) return true;
  return false;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '')
    return /^0x[0-9a-f]+$/i.test(v.trim()) ? Number.parseInt(v, 16) : Number(v);
  return Number.NaN;
}

/** Compiles `Field|mod…: values` into a test. `fieldOf` maps a Sigma field name to the event's. */
export function compileFieldItem(
  key: string,
  rawValue: unknown,
  fieldOf: (f: string) => string,
  literals?: LiteralIndex,
): EventTest {
  const [name = '', ...mods] = key.split('|');
  for (const m of mods) {
    if (UNSUPPORTED.has(m)) throw new RuleCompileError('unsupported', `modificateur « ${m} » non pris en charge`);
    if (!KNOWN.has(m)) throw new RuleCompileError('unsupported', `modificateur inconnu « ${m} »`);
  }
  const has = (m: string) => mods.includes(m);
  const field = name === '' ? '' : fieldOf(name);
  const values = Array.isArray(rawValue) ? rawValue : [rawValue];
  if (values.length === 0) throw new RuleCompileError('schema', `liste de valeurs vide pour ${key}`);
  const all = has('all');

  let tests: EventTest[];
  if (has('exists')) {
    const want = values[0] === true || values[0] === 'true';
    tests = [(ev) => (ev.get(field) !== undefined) === want];
  } else if (has('fieldref')) {
    tests = values.map((other) => fieldRefTest(field, fieldOf(String(other)), mods));
  } else if (has('lt') || has('lte') || has('gt') || has('gte')) {
    tests = values.map((v) => {
      const ref = toNumber(v);
      if (Number.isNaN(ref))
        throw new RuleCompileError('schema', `valeur numérique attendue pour ${key} : ${String(v)}`);
      const cmp = has('lt')
        ? (x: number) => x < ref
        : has('lte')
          ? (x: number) => x <= ref
          : has('gt')
            ? (x: number) => x > ref
            : (x: number) => x >= ref;
      return (ev: EventView) => {
        const raw = ev.get(field);
        const list = Array.isArray(raw) ? raw : [raw];
        return list.some((x) => {
          const n = toNumber(x);
          return !Number.isNaN(n) && cmp(n);
        });
      };
    });
  } else if (has('re')) {
    const flags = (has('i') ? 'i' : '') + (has('m') ? 'm' : '') + (has('s') ? 's' : '');
    tests = values.map((v) => {
      const re = compileRegex(String(v), flags);
      return (ev: EventView) =>
        anyString(ev.strings(field, false), (s) =>
          re.test(s.length > MAX_REGEX_INPUT ? s.slice(0, MAX_REGEX_INPUT) : s),
        );
    });
  } else if (has('cidr')) {
    tests = values.map((v) => {
      const test = compileCidr(String(v));
      return (ev: EventView) => anyString(ev.strings(field, false), test);
    });
  } else if (!all && values.length > 1 && !values.includes(null)) {
    tests = [stringValuesTest(field, values, mods, key, literals)];
  } else {
    tests = values.map((v) =>
      v === null ? stringValueTest(field, v, mods, key) : stringValuesTest(field, [v], mods, key, literals),
    );
  }
  let test: EventTest;
  if (tests.length === 1) test = tests[0] as EventTest;
  else if (all) test = withNeed((ev) => tests.every((t) => t(ev)), needOfAll(tests));
  else test = withNeed((ev) => tests.some((t) => t(ev)), needOfAny(tests));
  if (has('neq')) {
    const eq = test;
    return (ev) => ev.get(field) !== undefined && !eq(ev);
  }
  return test;
}

function fieldRefTest(field: string, other: string, mods: string[]): EventTest {
  const cased = mods.includes('cased');
  return (ev) => {
    const a = ev.strings(field, !cased);
    const b = ev.strings(other, !cased);
    if (a === null || b === null) return false;
    for (const x of a)
      for (const y of b) {
        if (
          mods.includes('contains')
            ? x.includes(y)
            : mods.includes('startswith')
              ? x.startsWith(y)
              : mods.includes('endswith')
                ? x.endsWith(y)
                : x === y
        )
          return true;
      }
    return false;
  };
}

/** The patterns of one string value after windash / utf16 / base64 transformations and contains/startswith/endswith. */
function stringPatterns(value: unknown, mods: string[], key: string): PatternPart[][] {
  const has = (m: string) => mods.includes(m);
  if (typeof value === 'object') throw new RuleCompileError('schema', `valeur non scalaire pour ${key}`);
  const text = String(value);
  let patterns: PatternPart[][];
  if (has('base64') || has('base64offset')) {
    const parsed = parseWildcards(text);
    if (!isLiteral(parsed)) throw new RuleCompileError('unsupported', `jokers dans une valeur base64 (${key})`);
    const literal = parsed.join('');
    const variants = has('windash') ? windashVariants(literal) : [literal];
    const encoding =
      has('utf16le') || has('wide') ? 'utf16le' : has('utf16be') ? 'utf16be' : has('utf16') ? 'utf16' : null;
    const encoded = variants.flatMap((v) => {
      const bytes = encodeText(v, encoding);
      return has('base64offset') ? base64OffsetVariants(bytes) : [b64(bytes)];
    });
    patterns = encoded.map((e) => [e]);
  } else {
    if (has('utf16') || has('utf16le') || has('utf16be') || has('wide'))
      throw new RuleCompileError('unsupported', `modificateur utf16/wide sans base64 (${key})`);
    const parsed = parseWildcards(text);
    patterns = has('windash') ? windashVariants(text).map((v) => parseWildcards(v)) : [parsed];
  }
  const wrap = (p: PatternPart[]): PatternPart[] =>
    has('contains') ? [ANY, ...p, ANY] : has('startswith') ? [...p, ANY] : has('endswith') ? [ANY, ...p] : p;
  return patterns.map(wrap);
}

/** A pattern that is one literal compared as a whole, prefix, suffix or substring (or null). */
function literalForm(parts: PatternPart[]): { kind: LiteralKind; literal: string } | null {
  const merged: PatternPart[] = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else if (!(p === ANY && last === ANY)) merged.push(p);
  }
  if (merged.length === 1 && typeof merged[0] === 'string') return { kind: 'equals', literal: merged[0] };
  if (merged.length === 2 && merged[0] === ANY && typeof merged[1] === 'string')
    return { kind: 'endswith', literal: merged[1] };
  if (merged.length === 2 && merged[1] === ANY && typeof merged[0] === 'string')
    return { kind: 'startswith', literal: merged[0] };
  if (merged.length === 3 && merged[0] === ANY && merged[2] === ANY && typeof merged[1] === 'string')
    return { kind: 'contains', literal: merged[1] };
  return null;
}

function matchForm(f: { kind: LiteralKind; literal: string }, s: string): boolean {
  const l = f.literal.toLowerCase();
  return f.kind === 'equals'
    ? s === l
    : f.kind === 'contains'
      ? s.includes(l)
      : f.kind === 'startswith'
        ? s.startsWith(l)
        : s.endsWith(l);
}

/** Plain, wildcard, contains/startswith/endswith, windash and base64 values (case-insensitive unless cased). */
function stringValueTest(field: string, value: unknown, mods: string[], key: string): EventTest {
  const has = (m: string) => mods.includes(m);
  if (value === null) {
    return (ev) => {
      const v = ev.get(field);
      return v === undefined || v === null || v === '';
    };
  }
  const cased = has('cased') || has('base64') || has('base64offset');
  const globs = stringPatterns(value, mods, key).map((p) => compileGlob(p, !cased));
  const test = globs.length === 1 ? (globs[0] as (s: string) => boolean) : (s: string) => globs.some((g) => g(s));
  if (field === '') {
    return (ev) =>
      anyString(
        ev.allStrings().map((s) => (cased ? s : s.toLowerCase())),
        test,
      );
  }
  return (ev) => anyString(ev.strings(field, !cased), test);
}

/** OR over several string values of one field: the field is fetched once, then each pattern tried. */
function stringValuesTest(
  field: string,
  values: unknown[],
  mods: string[],
  key: string,
  literals: LiteralIndex | undefined,
): EventTest {
  const has = (m: string) => mods.includes(m);
  const cased = has('cased') || has('base64') || has('base64offset');
  const patterns = values.flatMap((v) => stringPatterns(v, mods, key));
  if (literals && field !== '' && !cased) {
    const forms = patterns.map(literalForm);
    if (forms.every((f) => f !== null)) {
      const slot = literals.fieldSlot(field);
      const ids = forms.map((f) => literals.atom(field, f!.kind, f!.literal.toLowerCase()));
      const index = literals;
      const need = { atoms: [...new Set(ids)] };
      if (ids.length === 1) {
        const id = ids[0] as number;
        return withNeed((ev) => {
          if (ev.literalDone[slot] !== ev.literalGen) {
            if (ev.literalDone.length === 0)
              return ev.strings(field, true)?.some((s) => matchForm(forms[0]!, s)) ?? false;
            index.scanField(ev, slot);
          }
          return ev.literalBits[id] === ev.literalGen;
        }, need);
      }
      return withNeed((ev) => {
        if (ev.literalDone[slot] !== ev.literalGen) {
          if (ev.literalDone.length === 0) {
            return ev.strings(field, true)?.some((s) => forms.some((f) => matchForm(f!, s))) ?? false;
          }
          index.scanField(ev, slot);
        }
        const bits = ev.literalBits;
        const gen = ev.literalGen;
        for (let i = 0; i < ids.length; i++) if (bits[ids[i] as number] === gen) return true;
        return false;
      }, need);
    }
  }
  const globs = patterns.map((p) => compileGlob(p, !cased));
  const n = globs.length;
  if (field === '') {
    return (ev) =>
      anyString(
        ev.allStrings().map((s) => (cased ? s : s.toLowerCase())),
        (s) => globs.some((g) => g(s)),
      );
  }
  return (ev) => {
    const list = ev.strings(field, !cased);
    if (list === null) return false;
    for (let j = 0; j < list.length; j++) {
      const s = list[j] as string;
      for (let i = 0; i < n; i++) if ((globs[i] as StringTest)(s)) return true;
    }
    return false;
  };
}

/**
 * Keyword search: each value tested as a substring (wildcards honoured) of any field value, case-insensitive.
 * Keywords without inner wildcards go to the literal index (one pass over the event's values finds them all,
 * and the prefilter skips the rule when none is there).
 */
export function compileKeywords(values: unknown[], literals?: LiteralIndex): EventTest {
  const patterns = values.map((v): PatternPart[] => {
    if (v === null || typeof v === 'object') throw new RuleCompileError('schema', 'mot-clé non scalaire');
    return [ANY, ...parseWildcards(String(v)), ANY];
  });
  const globs = patterns.map((p) => compileGlob(p, true));
  const scan: EventTest = (ev) => {
    const all = ev.allStrings();
    for (const s of all) {
      const l = s.toLowerCase();
      for (const g of globs) if (g(l)) return true;
    }
    return false;
  };
  const forms = patterns.map(literalForm);
  if (literals === undefined || !forms.every((f) => f !== null && f.kind === 'contains')) return scan;
  const slot = literals.fieldSlot(KEYWORDS);
  const ids = [...new Set(forms.map((f) => literals.atom(KEYWORDS, 'contains', f!.literal.toLowerCase())))];
  const index = literals;
  return withNeed(
    (ev) => {
      if (ev.literalDone[slot] !== ev.literalGen) {
        if (ev.literalDone.length === 0) return scan(ev);
        index.scanField(ev, slot);
      }
      for (let i = 0; i < ids.length; i++) if (ev.literalBits[ids[i] as number] === ev.literalGen) return true;
      return false;
    },
    { atoms: ids },
  );
}
