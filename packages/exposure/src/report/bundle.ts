import { z } from 'zod';
import { type CadenceVerdict, d1CadenceVerdict } from '../history/cadence.js';
import type { Finding, Observation } from '../model.js';
import { type ExposureScore, score } from '../rules/rules.js';

export const BUNDLE_FORMAT = 'rempart.exposure/1';

/** The result of one exposure audit as stored, pushed and compared. */
export interface ExposureBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly id: string;
  /** UTC ISO-8601. */
  readonly scannedAt: string;
  readonly rulesVersion: string;
  readonly kev?: { readonly catalogVersion: string; readonly dateReleased: string };
  readonly scope: {
    readonly establishment?: string;
    readonly finess?: string;
    readonly domains: string[];
    readonly ranges: string[];
  };
  readonly sources: string[];
  readonly observations: Observation[];
  readonly findings: Finding[];
  readonly score: ExposureScore;
}

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const findingSchema = z.object({
  ruleId: z.string(),
  host: z.string(),
  port: z.number().int().optional(),
  severity,
  points: z.number(),
  title: z.string(),
  remediation: z.string(),
  evidence: z.string(),
});
const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  id: z.string().min(1),
  scannedAt: z.iso.datetime({ offset: true }),
  rulesVersion: z.string(),
  kev: z.object({ catalogVersion: z.string(), dateReleased: z.string() }).optional(),
  scope: z.object({
    establishment: z.string().optional(),
    finess: z.string().optional(),
    domains: z.array(z.string()),
    ranges: z.array(z.string()),
  }),
  sources: z.array(z.string()),
  observations: z.array(z.record(z.string(), z.unknown())),
  findings: z.array(findingSchema),
  score: z.object({ total: z.number(), perHost: z.record(z.string(), z.number()), minimumLevel: z.boolean() }),
});

export class BundleError extends Error {
  readonly code = 'BUNDLE_INVALID';
}

/** Parses a stored bundle; the score is recomputed from the findings so an edited total is caught. */
export function parseBundle(text: string): ExposureBundle {
  if (text.length > 200 * 1024 * 1024) throw new BundleError('résultat trop volumineux');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BundleError(`résultat illisible : ${(e as Error).message.slice(0, 200)}`);
  }
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleError(`résultat d'audit invalide (${issue?.path.join('.')}) : ${issue?.message}`);
  }
  const b = parsed.data as unknown as ExposureBundle;
  const recomputed = score(b.findings);
  if (recomputed.total !== b.score.total || recomputed.minimumLevel !== b.score.minimumLevel) {
    throw new BundleError('le score enregistré ne correspond pas aux constats');
  }
  return b;
}

const csvCell = (v: string | number | undefined) => {
  const s = v === undefined ? '' : String(v);
  // Leading = + - @ would be run as formulas by spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r;]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** CSV of findings, one row each, with points. */
export function findingsCsv(bundle: ExposureBundle): string {
  const head = ['regle', 'hote', 'port', 'gravite', 'points', 'titre', 'constat', 'remediation'];
  const rows = bundle.findings.map((f) =>
    [f.ruleId, f.host, f.port, f.severity, f.points, f.title, f.evidence, f.remediation].map(csvCell).join(','),
  );
  return `${[head.join(','), ...rows].join('\r\n')}\r\n`;
}

/** CaRE D1.O2 evidence pack: the verdict with the two bundles it rests on. */
export interface D1EvidencePack {
  readonly objective: 'D1.O2';
  readonly generatedAt: string;
  readonly verdict: CadenceVerdict;
  readonly audits: ExposureBundle[];
}

export function d1EvidencePack(bundles: readonly ExposureBundle[], now = new Date()): D1EvidencePack {
  const verdict = d1CadenceVerdict(
    bundles.map((b) => ({ id: b.id, scannedAt: b.scannedAt, minimumLevel: b.score.minimumLevel })),
  );
  const ids = verdict.evidence ? [verdict.evidence.first.id, verdict.evidence.second.id] : [];
  return {
    objective: 'D1.O2',
    generatedAt: now.toISOString(),
    verdict,
    audits: bundles.filter((b) => ids.includes(b.id)),
  };
}
