import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultEdgeFingerprints, KevError, kevFindings, parseKevCatalogue } from './kev.js';

const sample = readFileSync(new URL('../../fixtures/kev-sample.json', import.meta.url), 'utf8');

describe('CISA KEV matching', () => {
  const kev = parseKevCatalogue(sample);
  const fps = defaultEdgeFingerprints();

  it('reads the catalogue and its date', () => {
    expect(kev.catalogVersion).toBe('2026.11.20');
    expect(kev.byCve.get('CVE-2023-4966')?.vendorProject).toBe('Citrix');
    expect(fps.fingerprints.map((f) => f.id)).toEqual([
      'fortinet-fortigate',
      'ivanti-connect-secure',
      'citrix-netscaler',
      'paloalto-globalprotect',
      'cisco-asa',
    ]);
  });

  it('recognises edge appliances and lists their exploited CVEs with the catalogue date', () => {
    const findings = kevFindings(
      [
        {
          kind: 'port',
          host: '192.0.2.20',
          port: 443,
          service: 'https',
          banner: 'title: FortiGate - SSL VPN',
          source: 'rempart',
        },
        {
          kind: 'port',
          host: '192.0.2.21',
          port: 443,
          service: 'https',
          product: 'Citrix NetScaler Gateway',
          source: 'nmap',
        },
        { kind: 'port', host: '192.0.2.22', port: 443, service: 'https', product: 'nginx', source: 'nmap' },
      ],
      fps,
      kev,
    );
    expect(findings.map((f) => [f.ruleId, f.host, f.points])).toEqual([
      ['EXP-EDGE-KEV', '192.0.2.20', 20],
      ['EXP-EDGE-KEV', '192.0.2.21', 20],
    ]);
    expect(findings[0]?.evidence).toMatch(/CVE-2024-21762.*catalogue KEV 2026\.11\.20 du 2026-11-20/);
  });

  it('raises a critical finding for a scanner result whose CVE is in KEV', () => {
    const findings = kevFindings(
      [
        {
          kind: 'vulnerability',
          host: '192.0.2.30',
          port: 443,
          checkId: 'CVE-2023-46805',
          name: 'x',
          severity: 'high',
          cves: ['CVE-2023-46805', 'CVE-2099-0001'],
          source: 'nuclei',
        },
      ],
      fps,
      kev,
    );
    expect(findings.map((f) => [f.ruleId, f.severity, f.points])).toEqual([['EXP-KEV', 'critical', 50]]);
    expect(findings[0]?.evidence).toMatch(/rançongiciels/);
  });

  it('rejects malformed catalogues', () => {
    for (const bad of ['', '{', '[]', '{"title":"x"}', sample.replace('"CVE-2024-21762"', '"not-a-cve"'), '\u0000']) {
      expect(() => parseKevCatalogue(bad)).toThrow(KevError);
    }
  });
});
