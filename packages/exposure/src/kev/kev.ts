import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Finding, Observation } from '../model.js';

export class KevError extends Error {
  readonly code = 'KEV_INVALID';
}

// Official schema: https://raw.githubusercontent.com/cisagov/kev-data/develop/known_exploited_vulnerabilities_schema.json
// (dateAdded and dueDate are "date", dateReleased "date-time"). Fields beyond the schema are ignored, so a
// newer catalogue still imports; text fields are bounded so one entry cannot hold the whole file.
const text = (max: number) => z.string().max(max);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue (AAAA-MM-JJ)');
const entrySchema = z.object({
  cveID: z.string().regex(/^CVE-\d{4}-\d{4,19}$/),
  vendorProject: text(500),
  product: text(500),
  vulnerabilityName: text(2000),
  dateAdded: day,
  shortDescription: text(20_000),
  requiredAction: text(20_000),
  dueDate: day,
  knownRansomwareCampaignUse: text(100).optional(),
  notes: text(20_000).optional(),
  cwes: z.array(text(100)).max(100).optional(),
});
const catalogueSchema = z
  .object({
    title: text(1000),
    catalogVersion: text(100),
    dateReleased: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'date-heure attendue'),
    count: z.number().int().min(0),
    vulnerabilities: z.array(entrySchema),
  })
  // A count that disagrees with the list means a truncated or edited file.
  .refine((c) => c.count === c.vulnerabilities.length, {
    message: 'le nombre annoncé (count) ne correspond pas à la liste',
    path: ['count'],
  });

export type KevEntry = z.infer<typeof entrySchema>;
export interface KevCatalogue {
  readonly catalogVersion: string;
  readonly dateReleased: string;
  readonly entries: readonly KevEntry[];
  readonly byCve: ReadonlyMap<string, KevEntry>;
}

/** Parses a CISA KEV JSON file, imported offline. */
export function parseKevCatalogue(text: string): KevCatalogue {
  if (text.length > 100 * 1024 * 1024) throw new KevError('catalogue KEV trop volumineux');
  let raw: unknown;
  try {
    // A byte-order mark (file saved by a Windows editor) is not JSON but not damage either.
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new KevError(`catalogue KEV illisible : ${(e as Error).message.slice(0, 200)}`);
  }
  const parsed = catalogueSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KevError(`catalogue KEV invalide (${issue?.path.join('.')}) : ${issue?.message}`);
  }
  const c = parsed.data;
  return {
    catalogVersion: c.catalogVersion,
    dateReleased: c.dateReleased,
    entries: c.vulnerabilities,
    byCve: new Map(c.vulnerabilities.map((v) => [v.cveID, v])),
  };
}

const fingerprintFileSchema = z.strictObject({
  version: z.string(),
  fingerprints: z.array(
    z.strictObject({
      id: z.string(),
      label: z.string(),
      patterns: z.array(z.string().min(3)).min(1),
      kev: z.strictObject({ vendorProject: z.string(), product: z.string() }),
    }),
  ),
});
export type EdgeFingerprints = z.infer<typeof fingerprintFileSchema>;

/** The edge-appliance fingerprints shipped with the package (rules/edge-fingerprints.yaml). */
export function defaultEdgeFingerprints(): EdgeFingerprints {
  return fingerprintFileSchema.parse(
    parseYaml(readFileSync(new URL('../../rules/edge-fingerprints.yaml', import.meta.url), 'utf8')),
  );
}

/**
 * Edge appliances recognised in port observations, with the KEV entries of their product; and scanner
 * results whose CVE is in KEV. Version is rarely visible from outside, so an appliance finding lists the
 * product's exploited CVEs to check rather than asserting one.
 */
export function kevFindings(
  observations: readonly Observation[],
  fingerprints: EdgeFingerprints,
  kev: KevCatalogue,
): Finding[] {
  const out = new Map<string, Finding>();
  const stamp = `catalogue KEV ${kev.catalogVersion} du ${kev.dateReleased.slice(0, 10)}`;
  for (const o of observations) {
    if (o.kind === 'port') {
      const text = [o.service, o.product, o.version, o.banner].filter(Boolean).join(' ').toLowerCase();
      for (const fp of fingerprints.fingerprints) {
        if (!fp.patterns.some((p) => text.includes(p.toLowerCase()))) continue;
        const cves = kev.entries
          .filter(
            (e) =>
              e.vendorProject.toLowerCase() === fp.kev.vendorProject.toLowerCase() &&
              e.product.toLowerCase().includes(fp.kev.product.toLowerCase()),
          )
          .map((e) => e.cveID);
        out.set(`EXP-EDGE-KEV|${o.host}|${o.port}|${fp.id}`, {
          ruleId: 'EXP-EDGE-KEV',
          host: o.host,
          port: o.port,
          severity: 'high',
          points: 20,
          title: `Équipement de bordure exposé : ${fp.label}`,
          remediation: `Vérifier la version et appliquer les correctifs des vulnérabilités exploitées (${cves.length} au catalogue KEV) ; rechercher une compromission.`,
          evidence: `${fp.label} reconnu sur le port ${o.port} ; CVE exploitées connues : ${cves.join(', ') || 'aucune au catalogue'} (${stamp})`,
        });
      }
    } else if (o.kind === 'vulnerability') {
      for (const cve of o.cves) {
        const entry = kev.byCve.get(cve);
        if (!entry) continue;
        out.set(`EXP-KEV|${o.host}|${o.port ?? ''}|${cve}`, {
          ruleId: 'EXP-KEV',
          host: o.host,
          ...(o.port !== undefined ? { port: o.port } : {}),
          severity: 'critical',
          points: 50,
          title: `Vulnérabilité activement exploitée : ${entry.vulnerabilityName}`,
          remediation: entry.requiredAction,
          evidence: `${cve} détectée par ${o.source} (${o.checkId}) ; au catalogue KEV depuis le ${entry.dateAdded}${entry.knownRansomwareCampaignUse === 'Known' ? ', utilisée par des rançongiciels' : ''} (${stamp})`,
        });
      }
    }
  }
  return [...out.values()];
}
