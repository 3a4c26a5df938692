import type { Finding } from '../model.js';

export interface FindingChange {
  readonly before: Finding;
  readonly after: Finding;
}

export interface ScanDiff {
  /** Exposures absent from the earlier scan: each one is an alert. */
  readonly added: Finding[];
  readonly fixed: Finding[];
  /** Same rule on the same host and port, with different severity, points or evidence. */
  readonly changed: FindingChange[];
  readonly alert: boolean;
}

const keyOf = (f: Finding) => `${f.ruleId}|${f.host}|${f.port ?? ''}`;

/** Compares the findings of two scans of the same scope. */
export function diffFindings(before: readonly Finding[], after: readonly Finding[]): ScanDiff {
  const earlier = new Map(before.map((f) => [keyOf(f), f]));
  const later = new Map(after.map((f) => [keyOf(f), f]));
  const added: Finding[] = [];
  const changed: FindingChange[] = [];
  for (const [key, f] of later) {
    const old = earlier.get(key);
    if (!old) added.push(f);
    else if (old.severity !== f.severity || old.points !== f.points || old.evidence !== f.evidence)
      changed.push({ before: old, after: f });
  }
  const fixed = [...earlier].filter(([key]) => !later.has(key)).map(([, f]) => f);
  return { added, fixed, changed, alert: added.length > 0 };
}
