import { parseSid, SecurityDescriptorError } from './security-descriptor.js';

/** Windows FILETIME (100 ns ticks since 1601) as sent in LDAP integer attributes; 0 and "never" → null. */
export function fileTimeToDate(value: string | undefined | null): Date | null {
  if (!value || !/^-?\d{1,20}$/.test(value)) return null;
  const ticks = BigInt(value);
  if (ticks <= 0n || ticks >= 0x7fffffffffffffffn) return null;
  const ms = Number(ticks / 10000n) - 11644473600000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** LDAP GeneralizedTime ("20261128231500.0Z") → Date, or null if malformed. */
export function generalizedTimeToDate(value: string | undefined | null): Date | null {
  const m = value ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,]\d+)?Z$/.exec(value) : null;
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Parses a decimal LDAP integer; out-of-range or malformed → null (never NaN). */
export function toInt(value: string | undefined | null): number | null {
  if (value === undefined || value === null || !/^-?\d{1,20}$/.test(value.trim())) return null;
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) return null;
  // userAccountControl and friends are 32-bit; AD sends negative values for the high bit.
  return n;
}

/** Binary SID → string, or null for a truncated/hostile value. */
export function sidFromBytes(bytes: Uint8Array | undefined | null): string | null {
  if (!bytes || bytes.length < 8) return null;
  try {
    return parseSid(bytes, 0).sid;
  } catch (e) {
    if (e instanceof SecurityDescriptorError) return null;
    throw e;
  }
}

export function rid(sid: string): number {
  const last = sid.slice(sid.lastIndexOf('-') + 1);
  return Number(last);
}
