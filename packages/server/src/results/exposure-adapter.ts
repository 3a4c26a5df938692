import { d1CadenceVerdict, type ExposureBundle, parseBundle } from '@rempart/exposure';
import { type EngineAdapter, InvalidBundle } from './adapters.js';

/** Rules whose findings are exposed administration or remote-control services. */
const ADMIN_SERVICE = /^EXP-(RDP|SMB|TELNET|VNC|TEAMVIEWER|ANYDESK|ADMIN|SSH|FTP)/;

/**
 * `rempart exposure scan --push`: the exposure audit bundle. It feeds the D1 exposure indicators; the D1.O2
 * cadence (two audits 45–60 days apart, both at the minimum level) is computed over the establishment's history.
 */
export const exposureAdapter: EngineAdapter = {
  engine: 'exposure',
  label: 'd’audit d’exposition',
  summarise(body) {
    let bundle: ExposureBundle;
    try {
      bundle = parseBundle(JSON.stringify(body));
    } catch (error) {
      throw new InvalidBundle(error instanceof Error ? error.message : 'illisible');
    }
    const bySeverity: Record<string, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const f of bundle.findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    const hosts = new Set(bundle.observations.map((o) => String(o.host ?? ''))).size;
    const adminServices = bundle.findings.filter((f) => ADMIN_SERVICE.test(f.ruleId)).length;
    return {
      rulesetVersion: bundle.rulesVersion,
      generatedAt: new Date(bundle.scannedAt).toISOString(),
      headline: `score ${bundle.score.total}, ${bundle.findings.length} constat(s) dont ${bySeverity.critical} critique(s), niveau minimum ${bundle.score.minimumLevel ? 'atteint' : 'non atteint'}`,
      summary: {
        auditId: bundle.id,
        score: bundle.score.total,
        minimumLevel: bundle.score.minimumLevel,
        bySeverity,
        hosts,
        kev: bundle.kev ?? null,
      },
      indicators: {
        'exposure.critical_findings': bySeverity.critical ?? 0,
        'exposure.exposed_admin_services': adminServices,
        'exposure.minimum_level': bundle.score.minimumLevel,
      },
    };
  },
  fromHistory(history) {
    const verdict = d1CadenceVerdict(
      history.map((h) => ({
        id: String(h.summary.auditId ?? h.generatedAt),
        scannedAt: h.generatedAt,
        minimumLevel: h.summary.minimumLevel === true,
      })),
    );
    return { 'exposure.d1_cadence': verdict.met };
  },
};
