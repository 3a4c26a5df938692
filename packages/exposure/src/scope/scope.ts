import { isIP } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type Cidr, CidrError, cidrContains, cidrsOverlap, formatAddress, isNonPublic, parseCidr } from './cidr.js';

export type ScopeErrorCode =
  | 'SCOPE_SYNTAX'
  | 'SCOPE_SCHEMA'
  | 'SCOPE_CIDR_INVALID'
  | 'SCOPE_CIDR_OVERLAP'
  | 'SCOPE_NON_PUBLIC'
  | 'TARGET_OUT_OF_SCOPE';

export class ScopeError extends Error {
  constructor(
    readonly code: ScopeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScopeError';
  }
}

const domainName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'nom de domaine invalide');

const scopeFileSchema = z.strictObject({
  establishment: z.string().min(1).max(200).optional(),
  finess: z
    .string()
    .regex(/^\d{9}$/, 'FINESS à 9 chiffres')
    .optional(),
  domains: z.array(domainName).max(1000).default([]),
  ranges: z.array(z.string().max(64)).max(10_000).default([]),
  allowPrivate: z.boolean().default(false),
});

/** The establishment's declared exposure: domains and public address ranges a scan may touch. */
export interface Scope {
  readonly establishment?: string;
  readonly finess?: string;
  readonly domains: readonly string[];
  readonly ranges: readonly Cidr[];
  readonly allowPrivate: boolean;
}

const MAX_SCOPE_BYTES = 1_000_000;

/** Parses a YAML or JSON scope file (YAML is a superset of JSON). `lab` forces allowPrivate. */
export function parseScope(text: string, options: { lab?: boolean } = {}): Scope {
  if (text.length > MAX_SCOPE_BYTES)
    throw new ScopeError('SCOPE_SYNTAX', 'fichier de périmètre trop volumineux (> 1 Mo)');
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new ScopeError('SCOPE_SYNTAX', `fichier de périmètre illisible : ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = scopeFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScopeError(
      'SCOPE_SCHEMA',
      `périmètre invalide (${issue?.path.join('.') || 'racine'}) : ${issue?.message}`,
    );
  }
  const file = parsed.data;
  const allowPrivate = file.allowPrivate || options.lab === true;
  const ranges: Cidr[] = [];
  for (const text of file.ranges) {
    let cidr: Cidr;
    try {
      cidr = parseCidr(text);
    } catch (e) {
      if (e instanceof CidrError) throw new ScopeError('SCOPE_CIDR_INVALID', e.message);
      throw e;
    }
    const clash = ranges.find((r) => cidrsOverlap(r, cidr));
    if (clash)
      throw new ScopeError('SCOPE_CIDR_OVERLAP', `les plages « ${clash.text} » et « ${cidr.text} » se chevauchent`);
    if (!allowPrivate && isNonPublic(cidr)) {
      throw new ScopeError(
        'SCOPE_NON_PUBLIC',
        `« ${cidr.text} » est une plage privée, de bouclage ou lien-local : refusée hors mode laboratoire (--lab)`,
      );
    }
    ranges.push(cidr);
  }
  return {
    ...(file.establishment ? { establishment: file.establishment } : {}),
    ...(file.finess ? { finess: file.finess } : {}),
    domains: file.domains.map((d) => d.toLowerCase()),
    ranges,
    allowPrivate,
  };
}

/** Throws unless `address` is an IP literal inside a declared range (and public, unless lab mode). */
export function assertInScope(scope: Scope, address: string): void {
  if (isIP(address) === 0)
    throw new ScopeError('TARGET_OUT_OF_SCOPE', `« ${address.slice(0, 100)} » n'est pas une adresse IP`);
  const host = parseCidr(address);
  if (!scope.allowPrivate && isNonPublic(host)) {
    throw new ScopeError(
      'SCOPE_NON_PUBLIC',
      `${address} est privée, de bouclage ou lien-local : refusée hors mode laboratoire`,
    );
  }
  if (!scope.ranges.some((r) => cidrContains(r, address))) {
    throw new ScopeError('TARGET_OUT_OF_SCOPE', `${address} est hors du périmètre déclaré`);
  }
}

/** Enumerates every address of the scope's ranges, refusing more than `limit` (a /16 is 65,536). */
export function scopeAddresses(scope: Scope, limit = 65_536): string[] {
  let total = 0n;
  for (const r of scope.ranges) total += r.last - r.first + 1n;
  if (total > BigInt(limit))
    throw new ScopeError('SCOPE_SCHEMA', `le périmètre compte ${total} adresses (limite ${limit})`);
  const out: string[] = [];
  for (const r of scope.ranges) {
    for (let v = r.first; v <= r.last; v++) out.push(formatAddress(r.family, v));
  }
  return out;
}
