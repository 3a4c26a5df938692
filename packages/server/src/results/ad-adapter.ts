import { type AuditBundle, bundleSummary, parseBundle } from '@rempart/ad-audit';
import { type EngineAdapter, InvalidBundle } from './adapters.js';

function failed(bundle: AuditBundle, ruleId: string): boolean | undefined {
  const finding = bundle.findings.find((f) => f.ruleId === ruleId);
  if (!finding || finding.status === 'not_evaluated') return undefined;
  return finding.status === 'failed';
}

/**
 * `rempart ad audit --push`: the JSON bundle of the AD audit. It sets the establishment's D1 AD indicator,
 * the ANSSI level — only when every collection phase succeeded, since a phase that could not be read may
 * hide failing points and would overstate the level.
 */
export const adAdapter: EngineAdapter = {
  engine: 'ad-audit',
  label: 'd’audit Active Directory',
  summarise(body) {
    let bundle: AuditBundle;
    try {
      bundle = parseBundle(JSON.stringify(body));
    } catch (error) {
      throw new InvalidBundle(error instanceof Error ? error.message : 'illisible');
    }
    const generated = Date.parse(bundle.generatedAt);
    if (Number.isNaN(generated)) throw new InvalidBundle('generatedAt : date invalide');
    const s = bundleSummary(bundle);
    const complete = s.incompletePhases.length === 0;
    const indicators: Record<string, number | boolean | string> = {
      'ad.audit_done': true,
      'ad.collection_complete': complete,
      'ad.global_score': s.globalScore,
    };
    if (complete) indicators['ad.anssi_level'] = s.anssiLevel;
    const excessive = failed(bundle, 'P-AdminNum');
    if (excessive !== undefined) indicators['ad.privileged_accounts_excessive'] = excessive;
    const noLaps = failed(bundle, 'A-LAPS-Not-Installed');
    if (noLaps !== undefined && noLaps) indicators['ad.laps_coverage'] = 0;
    return {
      rulesetVersion: s.rulesetVersion,
      generatedAt: new Date(generated).toISOString(),
      headline: `${bundle.domain.dnsName} : niveau ANSSI ${s.anssiLevel}${complete ? '' : ' (collecte incomplète)'}, score ${s.globalScore}/100, ${s.findingCount} point(s) en échec`,
      summary: {
        domain: bundle.domain.dnsName,
        anssiLevel: s.anssiLevel,
        globalScore: s.globalScore,
        categoryScores: s.categoryScores,
        failedPoints: s.findingCount,
        incompletePhases: s.incompletePhases,
        counts: bundle.counts,
        source: bundle.source,
      },
      indicators,
    };
  },
};
