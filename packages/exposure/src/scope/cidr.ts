import { isIPv4, isIPv6 } from 'node:net';

/** An IP network in CIDR form, stored as a big integer range so IPv4 and IPv6 share one comparison path. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly text: string;
  readonly prefix: number;
  readonly first: bigint;
  readonly last: bigint;
}

export class CidrError extends Error {
  constructor(
    readonly code: 'CIDR_INVALID' | 'CIDR_HOST_BITS',
    message: string,
  ) {
    super(message);
    this.name = 'CidrError';
  }
}

/** Parses an IPv4 or IPv6 address into its integer value, or undefined when it is not an address. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  if (isIPv4(text)) {
    let value = 0n;
    for (const part of text.split('.')) value = (value << 8n) | BigInt(Number(part));
    return { family: 4, value };
  }
  if (isIPv6(text)) {
    let body = text;
    let tail: bigint[] = [];
    // An embedded IPv4 tail (::ffff:1.2.3.4) counts as the last two groups.
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
    if (v4?.[1]) {
      const inner = parseAddress(v4[1]);
      if (!inner) return undefined;
      tail = [inner.value >> 16n, inner.value & 0xffffn];
      body = body.slice(0, -v4[1].length);
      if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1);
    }
    const [head, rest] = body.split('::') as [string, string | undefined];
    const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => BigInt(Number.parseInt(g, 16))));
    const left = groups(head);
    const right = rest === undefined ? [] : groups(rest);
    const fill = 8 - tail.length - left.length - right.length;
    const all = [...left, ...Array<bigint>(rest === undefined ? 0 : fill).fill(0n), ...right, ...tail];
    if (all.length !== 8) return undefined;
    let value = 0n;
    for (const g of all) value = (value << 16n) | g;
    return { family: 6, value };
  }
  return undefined;
}

/** Parses `a.b.c.d/n`, `x::/n` or a bare address (a /32 or /128). Host bits set below the prefix are an error. */
export function parseCidr(text: string): Cidr {
  const trimmed = text.trim();
  if (trimmed.length > 64) throw new CidrError('CIDR_INVALID', `CIDR trop long : « ${trimmed.slice(0, 64)}… »`);
  const [addrText, prefixText, extra] = trimmed.split('/');
  if (extra !== undefined || addrText === undefined)
    throw new CidrError('CIDR_INVALID', `CIDR invalide : « ${trimmed} »`);
  const addr = parseAddress(addrText);
  if (!addr) throw new CidrError('CIDR_INVALID', `adresse invalide dans « ${trimmed} »`);
  const bits = addr.family === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      throw new CidrError('CIDR_INVALID', `préfixe invalide dans « ${trimmed} » (0 à ${bits})`);
    }
    prefix = Number(prefixText);
  }
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  if ((addr.value & mask) !== 0n) {
    throw new CidrError('CIDR_HOST_BITS', `« ${trimmed} » a des bits d'hôte non nuls sous le préfixe /${prefix}`);
  }
  return { family: addr.family, text: trimmed, prefix, first: addr.value, last: addr.value | mask };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const a = parseAddress(address);
  return a !== undefined && a.family === cidr.family && a.value >= cidr.first && a.value <= cidr.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Formats an integer address back to text (IPv6 uncompressed lowercase). */
export function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

/** Ranges a scan must not reach unless in lab mode: RFC 1918, loopback, link-local, CGNAT, ULA, unspecified. */
export const NON_PUBLIC_RANGES: readonly Cidr[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
].map(parseCidr);

export function isNonPublic(cidr: Cidr): boolean {
  return NON_PUBLIC_RANGES.some((r) => cidrsOverlap(r, cidr));
}
