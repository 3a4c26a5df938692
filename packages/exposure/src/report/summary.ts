import type { Severity } from '../model.js';
import type { ExposureBundle } from './bundle.js';

/** What the Rempart server needs to feed the establishment's D1 exposure indicator (for `--push`). */
export interface BundleSummary {
  readonly rulesetVersion: string;
  /** The audit date (the bundle's scannedAt), UTC ISO-8601. */
  readonly generatedAt: string;
  readonly score: number;
  readonly minimumLevelMet: boolean;
  readonly findingCount: number;
  readonly bySeverity: Record<Severity, number>;
}

/** Summary of one exposure bundle: totals only, no hosts nor evidence. */
export function bundleSummary(bundle: ExposureBundle): BundleSummary {
  const bySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of bundle.findings) bySeverity[f.severity]++;
  return {
    rulesetVersion: bundle.rulesVersion,
    generatedAt: bundle.scannedAt,
    score: bundle.score.total,
    minimumLevelMet: bundle.score.minimumLevel,
    findingCount: bundle.findings.length,
    bySeverity,
  };
}
