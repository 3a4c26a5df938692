import { describe, expect, it } from 'vitest';
import { aCleanDomain, anAccount, NOW } from '../test/builders.js';
import { bundleSummary, parseExceptionsFile, runAudit } from './audit.js';
import { InputError, parseBundle } from './bundle.js';
import { diffAudits } from './diff.js';
import { UAC } from './model.js';
import { renderHtmlReport } from './report/html.js';
import { importPingCastleXml } from './sources/pingcastle-source.js';

function planted() {
  const s = aCleanDomain();
  s.users.push(anAccount('user', 'asrep', 9001, { userAccountControl: UAC.NORMAL_ACCOUNT | UAC.DONT_REQ_PREAUTH }));
  s.domain.machineAccountQuota = 10;
  return s;
}

describe('audit outputs', () => {
  it('an accepted risk leaves the score until it expires', () => {
    const exceptions = parseExceptionsFile(
      'exceptions:\n  - ruleId: S-ADRegistration\n    justification: jonction par le service informatique, quota surveillé\n    owner: RSSI\n    expires: "2026-12-31"\n',
    );
    const during = runAudit(planted(), { now: NOW, exceptions });
    expect(during.findings.find((f) => f.ruleId === 'S-ADRegistration')?.status).toBe('accepted');
    const after = runAudit(planted(), { now: new Date('2027-01-02T00:00:00Z'), exceptions });
    expect(after.findings.find((f) => f.ruleId === 'S-ADRegistration')?.status).toBe('failed');
    expect(after.scores.categories.StaleObjects).toBeGreaterThan(during.scores.categories.StaleObjects);
  });

  it('rejects malformed exception files with a stable code', () => {
    expect(() => parseExceptionsFile('exceptions: [{ruleId: X}]')).toThrow(InputError);
    expect(() => parseExceptionsFile('{{{')).toThrow(/AD_EXCEPTIONS|fichier/);
  });

  it('categories are capped at 100 and the global score is their maximum', () => {
    const s = planted();
    for (let i = 0; i < 40; i++)
      s.users.push(
        anAccount('user', `np${i}`, 9100 + i, { userAccountControl: UAC.NORMAL_ACCOUNT | UAC.DONT_REQ_PREAUTH }),
      );
    const b = runAudit(s, { now: NOW });
    expect(b.scores.categories.StaleObjects).toBe(100);
    expect(b.scores.global).toBe(Math.max(...Object.values(b.scores.categories)));
    expect(b.anssiLevel).toBe(2);
    expect(bundleSummary(b)).toMatchObject({
      anssiLevel: 2,
      globalScore: 100,
      rulesetVersion: b.rulesetVersion,
      incompletePhases: [],
    });
  });

  it('the HTML report is one self-contained French page with the level, score and top risks', () => {
    const html = renderHtmlReport(runAudit(planted(), { now: NOW }));
    expect(html).toContain('Niveau ANSSI atteint');
    expect(html).toContain('Comptes sans pré-authentification Kerberos');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('escapes hostile names in the report', () => {
    const s = planted();
    s.users.push(
      anAccount('user', '<img src=x onerror=alert(1)>', 9999, {
        userAccountControl: UAC.NORMAL_ACCOUNT | UAC.DONT_REQ_PREAUTH,
      }),
    );
    const html = renderHtmlReport(runAudit(s, { now: NOW }));
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
  });

  it('diff reports new, fixed and worsened findings', () => {
    const a = runAudit(aCleanDomain(), { now: NOW });
    const b = runAudit(planted(), { now: NOW });
    const d = diffAudits(a, b);
    expect(d.new.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['S-NoPreAuth', 'S-ADRegistration']));
    expect(diffAudits(b, a).fixed.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['S-NoPreAuth']));
    const worse = planted();
    worse.users.push(
      anAccount('user', 'asrep2', 9002, { userAccountControl: UAC.NORMAL_ACCOUNT | UAC.DONT_REQ_PREAUTH }),
    );
    expect(diffAudits(b, runAudit(worse, { now: NOW })).worsened.map((w) => w.after.ruleId)).toContain('S-NoPreAuth');
  });

  it('a bundle round-trips through JSON and bad bundles are refused', () => {
    const b = runAudit(planted(), { now: NOW });
    expect(parseBundle(JSON.stringify(b)).scores).toEqual(b.scores);
    expect(() => parseBundle('{')).toThrow(/AD_BUNDLE_JSON|JSON/);
    expect(() => parseBundle(JSON.stringify({ ...b, anssiLevel: 'x' }))).toThrow(InputError);
    expect(() => parseBundle('[]')).toThrow(InputError);
  });

  it('imports a PingCastle healthcheck XML as a past audit and refuses DTDs and junk', () => {
    const xml = `<?xml version="1.0"?><HealthcheckData><EngineVersion>3.3.0.1</EngineVersion><GenerationDate>2025-06-01T10:00:00</GenerationDate>
<DomainFQDN>chu.test</DomainFQDN><DomainSid>S-1-5-21-1-2-3</DomainSid><MaturityLevel>2</MaturityLevel><GlobalScore>55</GlobalScore><StaleObjectsScore>20</StaleObjectsScore>
<PrivilegiedGroupScore>55</PrivilegiedGroupScore><TrustScore>0</TrustScore><AnomalyScore>35</AnomalyScore><RiskRules>
<HealthcheckRiskRule><Points>15</Points><Category>Anomalies</Category><Model>LAPS</Model><RiskId>A-LAPS-Not-Installed</RiskId><Rationale>LAPS absent</Rationale></HealthcheckRiskRule>
</RiskRules></HealthcheckData>`;
    const b = importPingCastleXml(xml);
    expect(b.scores).toEqual({
      global: 55,
      categories: { StaleObjects: 20, PrivilegedAccounts: 55, Trusts: 0, Anomalies: 35 },
    });
    expect(b.anssiLevel).toBe(2);
    expect(b.findings[0]).toMatchObject({ ruleId: 'A-LAPS-Not-Installed', points: 15, status: 'failed' });
    expect(() => importPingCastleXml('<!DOCTYPE x [<!ENTITY a "aaaa">]><HealthcheckData/>')).toThrow(/DTD/);
    expect(() => importPingCastleXml('<foo/>')).toThrow(/AD_PC_NOT_HEALTHCHECK|HealthcheckData/);
    expect(() => importPingCastleXml('<HealthcheckData><GlobalScore>abc</GlobalScore></HealthcheckData>')).toThrow(
      /AD_PC_FIELD|GlobalScore/,
    );
    expect(() => importPingCastleXml('x'.repeat(64 * 1024 * 1024 + 1))).toThrow(/AD_PC_TOO_LARGE|volumineux|octets/);
  });
});

describe('audit outputs with unreadable objects', () => {
  it('an unreadable object is one incomplete record, in the summary and the HTML report', () => {
    const s = planted();
    s.certificationAuthorities.push({
      dn: 'CN=CA-X',
      name: 'CA-X',
      store: 'enrollment',
      certificates: [Uint8Array.from([1, 2, 3])],
    });
    const b = runAudit(s, { now: NOW });
    // One record for the object, however many rules met it; the phase itself stays evaluated.
    expect(b.incomplete).toEqual([
      {
        phase: 'pki',
        code: 'AD_OBJECT_UNREADABLE',
        dn: 'CN=CA-X',
        reason: expect.stringMatching(/^certificat illisible/),
      },
    ]);
    expect(b.findings.find((f) => f.ruleId === 'A-CertTempControl')?.status).toBe('passed');
    // The server reads the summary: an audit with an unreadable object is not a complete one.
    expect(bundleSummary(b).incompletePhases).toEqual(['pki']);
    expect(parseBundle(JSON.stringify(b)).incomplete[0]?.dn).toBe('CN=CA-X');
    const html = renderHtmlReport(b);
    expect(html).toMatch(/Collecte incomplète :<\/strong> pki \(CN=CA-X : certificat illisible/);
    expect(html).toContain('CN=CA-X — certificat illisible');
  });
});
