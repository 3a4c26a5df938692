import { z } from 'zod';
import type { AuditBundle } from './audit.js';

export class InputError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

const findingSchema = z.object({
  ruleId: z.string(),
  title: z.string(),
  category: z.enum(['StaleObjects', 'PrivilegedAccounts', 'Trusts', 'Anomalies']),
  anssi: z.string().nullable(),
  anssiLevel: z.number().int().min(1).max(5).nullable(),
  status: z.enum(['failed', 'passed', 'not_evaluated', 'accepted']),
  points: z.number().min(0),
  affectedCount: z.number().int().min(0),
  affected: z.array(z.object({ name: z.string(), dn: z.string().optional(), detail: z.string().optional() })),
  rationale: z.string(),
  remediation: z.string(),
  references: z.array(z.string()),
  note: z.string().optional(),
});
const bundleSchema = z.object({
  format: z.literal('rempart-ad-audit'),
  formatVersion: z.literal(1),
  rulesetVersion: z.string(),
  checklist: z.string(),
  generatedAt: z.string(),
  domain: z.object({ dnsName: z.string(), sid: z.string(), netbiosName: z.string().nullable() }),
  source: z.enum(['ldap', 'sharphound', 'ldapdomaindump', 'pingcastle']),
  server: z.string().nullable(),
  counts: z.object({ users: z.number(), computers: z.number(), groups: z.number() }),
  scores: z.object({
    global: z.number(),
    categories: z.object({
      StaleObjects: z.number(),
      PrivilegedAccounts: z.number(),
      Trusts: z.number(),
      Anomalies: z.number(),
    }),
  }),
  anssiLevel: z.number().int().min(1).max(5),
  incomplete: z.array(z.object({ phase: z.string(), code: z.string(), reason: z.string(), dn: z.string().optional() })),
  findings: z.array(findingSchema),
});

export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** Parses a JSON result bundle written by `rempart ad audit --json`. */
export function parseBundle(text: string): AuditBundle {
  if (text.length > MAX_BUNDLE_BYTES)
    throw new InputError('AD_BUNDLE_TOO_LARGE', 'fichier de résultat trop volumineux');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError('AD_BUNDLE_JSON', `JSON invalide : ${(e as Error).message}`);
  }
  const r = bundleSchema.safeParse(data);
  if (!r.success)
    throw new InputError(
      'AD_BUNDLE_SCHEMA',
      `résultat d'audit invalide : ${r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  return r.data as AuditBundle;
}
