/** A Sigma string value after wildcard parsing: literal text with `*` (any run) and `?` (one char). */
export type PatternPart = string | typeof ANY | typeof ONE;
export const ANY = 0;
export const ONE = 1;

/** Splits a Sigma string into literals and wildcards; `\*`, `\?` and `\\` escape, any other `\` is literal. */
export function parseWildcards(value: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let lit = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += c;
    } else if (c === '*' || c === '?') {
      if (lit) parts.push(lit);
      lit = '';
      parts.push(c === '*' ? ANY : ONE);
    } else lit += c;
  }
  if (lit) parts.push(lit);
  return parts;
}

/** True when the pattern has no wildcard. */
export function isLiteral(parts: PatternPart[]): boolean {
  return parts.every((p) => typeof p === 'string');
}

/** A compiled glob: predicate over one (already case-folded when needed) string. */
export type StringTest = (s: string) => boolean;

/**
 * Compiles literals and wildcards into a test without regular expressions: equality, prefix, suffix,
 * substring, or a left-to-right leftmost-match scan (no backtracking blow-up: O(n·m) at worst).
 */
export function compileGlob(parts: PatternPart[], lower: boolean): StringTest {
  const norm = parts.map((p) => (typeof p === 'string' && lower ? p.toLowerCase() : p));
  // Merge adjacent literals.
  const merged: PatternPart[] = [];
  for (const p of norm) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else if (p === ANY && last === ANY) continue;
    else merged.push(p);
  }
  if (merged.length === 0) return (s) => s === '';
  if (merged.length === 1 && typeof merged[0] === 'string') {
    const v = merged[0];
    return (s) => s === v;
  }
  if (merged.length === 1 && merged[0] === ANY) return () => true;
  if (merged.length === 2 && merged[0] === ANY && typeof merged[1] === 'string') {
    const v = merged[1];
    return (s) => s.endsWith(v);
  }
  if (merged.length === 2 && merged[1] === ANY && typeof merged[0] === 'string') {
    const v = merged[0];
    return (s) => s.startsWith(v);
  }
  if (merged.length === 3 && merged[0] === ANY && merged[2] === ANY && typeof merged[1] === 'string') {
    const v = merged[1];
    return (s) => s.includes(v);
  }
  // General case: segments separated by ANY; each segment is literals and ONE. A pure-literal segment
  // (the usual case) is searched with indexOf; leftmost matching is exact for `*`-separated segments.
  const segments: PatternPart[][] = [[]];
  for (const p of merged) {
    if (p === ANY) segments.push([]);
    else (segments[segments.length - 1] as PatternPart[]).push(p);
  }
  const anchoredStart = merged[0] !== ANY;
  const anchoredEnd = merged[merged.length - 1] !== ANY;
  const segLen = segments.map((seg) => seg.reduce<number>((n, p) => n + (typeof p === 'string' ? p.length : 1), 0));
  const literal = segments.map((seg) => (seg.length === 1 && typeof seg[0] === 'string' ? seg[0] : null));
  const matchAt = (s: string, seg: PatternPart[], at: number): boolean => {
    let pos = at;
    for (const p of seg) {
      if (p === ONE) {
        if (pos >= s.length) return false;
        pos++;
      } else {
        if (!s.startsWith(p as string, pos)) return false;
        pos += (p as string).length;
      }
    }
    return true;
  };
  const last = segments.length - 1;
  return (s) => {
    let pos = 0;
    for (let i = 0; i <= last; i++) {
      const seg = segments[i] as PatternPart[];
      const len = segLen[i] as number;
      const lit = literal[i] as string | null;
      if (i === 0 && anchoredStart) {
        if (lit !== null ? !s.startsWith(lit) : !matchAt(s, seg, 0)) return false;
        pos = len;
        if (last === 0) return pos === s.length;
        continue;
      }
      if (i === last && anchoredEnd) {
        const at = s.length - len;
        return at >= pos && (lit !== null ? s.endsWith(lit) : matchAt(s, seg, at));
      }
      if (len === 0) continue;
      if (lit !== null) {
        const at = s.indexOf(lit, pos);
        if (at < 0) return false;
        pos = at + len;
        continue;
      }
      let found = -1;
      const first = seg[0];
      for (let at = pos; at + len <= s.length; at++) {
        if (typeof first === 'string') {
          at = s.indexOf(first, at);
          if (at < 0 || at + len > s.length) break;
        }
        if (matchAt(s, seg, at)) {
          found = at;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + len;
    }
    return true;
  };
}
