import { XMLParser } from 'fast-xml-parser';
import type { AuditBundle, Finding } from '../audit.js';
import { InputError } from '../bundle.js';
import type { Category } from '../rules/ruleset.js';

const CATEGORY: Record<string, Category> = {
  StaleObjects: 'StaleObjects',
  PrivilegedAccounts: 'PrivilegedAccounts',
  Trusts: 'Trusts',
  Anomalies: 'Anomalies',
};
export const MAX_XML_BYTES = 64 * 1024 * 1024;

/** Imports a PingCastle ad_hc_*.xml healthcheck as a past audit (scores and triggered rules only). */
export function importPingCastleXml(xml: string): AuditBundle {
  if (xml.length > MAX_XML_BYTES)
    throw new InputError('AD_PC_TOO_LARGE', `rapport PingCastle de plus de ${MAX_XML_BYTES} octets`);
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new InputError('AD_PC_DTD', 'DTD/entités refusées dans le rapport PingCastle');
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser({
      ignoreAttributes: true,
      parseTagValue: false,
      processEntities: false,
      isArray: (name) => name === 'HealthcheckRiskRule',
    }).parse(xml, true) as Record<string, unknown>;
  } catch (e) {
    throw new InputError('AD_PC_XML', `XML invalide : ${(e as Error).message}`);
  }
  const h = doc.HealthcheckData as Record<string, unknown> | undefined;
  if (!h || typeof h !== 'object')
    throw new InputError(
      'AD_PC_NOT_HEALTHCHECK',
      'racine HealthcheckData absente : ce n’est pas un rapport ad_hc_*.xml',
    );
  const num = (k: string) => {
    const v = Number(h[k]);
    if (!Number.isFinite(v) || v < 0) throw new InputError('AD_PC_FIELD', `champ ${k} absent ou invalide`);
    return v;
  };
  const rulesNode = h.RiskRules as { HealthcheckRiskRule?: Record<string, unknown>[] } | undefined;
  const findings: Finding[] = (rulesNode?.HealthcheckRiskRule ?? []).map((r) => {
    const category = CATEGORY[String(r.Category)];
    if (!category) throw new InputError('AD_PC_FIELD', `catégorie inconnue : ${String(r.Category)}`);
    const points = Number(r.Points);
    return {
      ruleId: String(r.RiskId ?? ''),
      title: String(r.Rationale ?? r.RiskId ?? ''),
      category,
      anssi: null,
      anssiLevel: null,
      status: 'failed',
      points: Number.isFinite(points) ? points : 0,
      affectedCount: 0,
      affected: [],
      rationale: String(r.Rationale ?? ''),
      remediation: 'Voir le rapport PingCastle d’origine.',
      references: [],
    };
  });
  const maturity = Number(h.MaturityLevel);
  const generated = new Date(String(h.GenerationDate ?? ''));
  return {
    format: 'rempart-ad-audit',
    formatVersion: 1,
    rulesetVersion: `pingcastle-${String(h.EngineVersion ?? 'inconnu')}`,
    checklist: 'PingCastle',
    generatedAt: Number.isNaN(generated.getTime()) ? new Date(0).toISOString() : generated.toISOString(),
    domain: {
      dnsName: String(h.DomainFQDN ?? ''),
      sid: String(h.DomainSid ?? ''),
      netbiosName: h.NetBIOSName ? String(h.NetBIOSName) : null,
    },
    source: 'pingcastle',
    server: null,
    counts: { users: 0, computers: 0, groups: 0 },
    scores: {
      global: num('GlobalScore'),
      categories: {
        StaleObjects: num('StaleObjectsScore'),
        PrivilegedAccounts: num('PrivilegiedGroupScore'),
        Trusts: num('TrustScore'),
        Anomalies: num('AnomalyScore'),
      },
    },
    anssiLevel: Number.isInteger(maturity) && maturity >= 1 && maturity <= 5 ? maturity : 5,
    incomplete: [],
    findings,
  };
}
