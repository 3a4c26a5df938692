import type { AuditBundle, Finding } from './audit.js';

export interface AuditDiff {
  from: { generatedAt: string; globalScore: number; anssiLevel: number };
  to: { generatedAt: string; globalScore: number; anssiLevel: number };
  /** Failing now, not failing before. */
  new: Finding[];
  /** Failing before, passing now (not "not evaluated": that is not a fix). */
  fixed: Finding[];
  /** Failing in both, with more points or more affected objects. */
  worsened: { before: Finding; after: Finding }[];
  improved: { before: Finding; after: Finding }[];
  /** Failing before but not evaluated now. */
  unknown: Finding[];
}

/** Compares two audits of the same domain. */
export function diffAudits(a: AuditBundle, b: AuditBundle): AuditDiff {
  const before = new Map(a.findings.map((f) => [f.ruleId, f]));
  const after = new Map(b.findings.map((f) => [f.ruleId, f]));
  const out: AuditDiff = {
    from: { generatedAt: a.generatedAt, globalScore: a.scores.global, anssiLevel: a.anssiLevel },
    to: { generatedAt: b.generatedAt, globalScore: b.scores.global, anssiLevel: b.anssiLevel },
    new: [],
    fixed: [],
    worsened: [],
    improved: [],
    unknown: [],
  };
  for (const [id, f] of after) {
    const p = before.get(id);
    if (f.status === 'failed' && p?.status !== 'failed') out.new.push(f);
    else if (f.status === 'failed' && p?.status === 'failed') {
      if (f.points > p.points || f.affectedCount > p.affectedCount) out.worsened.push({ before: p, after: f });
      else if (f.points < p.points || f.affectedCount < p.affectedCount) out.improved.push({ before: p, after: f });
    }
  }
  for (const [id, p] of before) {
    if (p.status !== 'failed') continue;
    const f = after.get(id);
    if (f?.status === 'passed' || f?.status === 'accepted') out.fixed.push(p);
    else if (!f || f.status === 'not_evaluated') out.unknown.push(p);
  }
  return out;
}
