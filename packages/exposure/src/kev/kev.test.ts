import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultEdgeFingerprints, KevError, kevFindings, parseKevCatalogue } from './kev.js';

// A three-entry sample written for these tests (its title says so), not the CISA catalogue.
const sample = readFileSync(new URL('../../test/fixtures/kev-sample.json', import.meta.url), 'utf8');

const VENDORS = [
  ['Fortinet', 'FortiOS'],
  ['Ivanti', 'Connect Secure'],
  ['Citrix', 'NetScaler ADC and NetScaler Gateway'],
  ['Microsoft', 'Windows'],
  ['Apache', 'Log4j2'],
] as const;

/** A catalogue in the shape of known_exploited_vulnerabilities.json with `n` generated entries. */
function generatedCatalogue(n: number): Record<string, unknown> & { vulnerabilities: Record<string, unknown>[] } {
  const vulnerabilities = Array.from({ length: n }, (_, i) => {
    const [vendorProject, product] = VENDORS[i % VENDORS.length] as readonly [string, string];
    const day = `20${String(10 + (i % 15)).padStart(2, '0')}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    return {
      cveID: `CVE-${2010 + (i % 15)}-${String(10000 + i)}`,
      vendorProject,
      product,
      vulnerabilityName: `${vendorProject} ${product} vulnérabilité générée n° ${i} — « test »`,
      dateAdded: day,
      shortDescription: `Generated entry ${i} for the import test.`,
      requiredAction:
        'Apply mitigations per vendor instructions or discontinue use of the product if mitigations are unavailable.',
      dueDate: day,
      ...(i % 3 === 0
        ? {}
        : {
            knownRansomwareCampaignUse: i % 2 ? 'Known' : 'Unknown',
            notes: `https://example.invalid/${i}`,
            cwes: ['CWE-787'],
          }),
      // A field the schema does not know yet: a newer catalogue must still import.
      ...(i % 7 === 0 ? { futureField: { nested: [i] } } : {}),
    };
  });
  return {
    title: 'CISA Catalog of Known Exploited Vulnerabilities (generated for the import test)',
    catalogVersion: '2026.11.27',
    dateReleased: '2026-11-27T17:02:11.0542Z',
    count: vulnerabilities.length,
    vulnerabilities,
  };
}

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

  it('imports a generated catalogue of 20,000 entries in the official shape and matches against it', () => {
    const generated = generatedCatalogue(20_000);
    const text = JSON.stringify(generated, null, 2);
    expect(text.length).toBeGreaterThan(10_000_000);
    const big = parseKevCatalogue(text);
    expect(big.catalogVersion).toBe('2026.11.27');
    expect(big.dateReleased).toBe('2026-11-27T17:02:11.0542Z');
    expect(big.entries).toHaveLength(20_000);
    expect(big.byCve.size).toBe(20_000);
    expect(big.byCve.get('CVE-2013-10003')).toMatchObject({ vendorProject: 'Microsoft', product: 'Windows' });
    expect(big.byCve.get('CVE-2010-10000')).not.toHaveProperty('futureField');
    const findings = kevFindings(
      [
        {
          kind: 'port',
          host: '192.0.2.20',
          port: 443,
          service: 'https',
          banner: 'title: FortiGate',
          source: 'rempart',
        },
      ],
      fps,
      big,
    );
    expect(findings).toHaveLength(1);
    // Every fifth entry is Fortinet FortiOS: all 4,000 are listed, with the catalogue's version and date.
    expect(findings[0]?.evidence.match(/CVE-\d{4}-\d+/g)).toHaveLength(4_000);
    expect(findings[0]?.evidence).toMatch(/catalogue KEV 2026\.11\.27 du 2026-11-27\)$/);
    // A byte-order mark in front of the file is accepted.
    expect(parseKevCatalogue(`\ufeff${text}`).entries).toHaveLength(20_000);
  });

  it('rejects a damaged large catalogue with a clear error naming the place', () => {
    const generated = generatedCatalogue(20_000);
    const text = JSON.stringify(generated);
    const reason = (bad: string) => {
      try {
        parseKevCatalogue(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(KevError);
        expect((e as KevError).code).toBe('KEV_INVALID');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(reason(text.slice(0, text.length / 2))).toMatch(/^catalogue KEV illisible/);
    const withEntry = (i: number, patch: Record<string, unknown>) =>
      JSON.stringify({
        ...generated,
        vulnerabilities: generated.vulnerabilities.map((v, k) => (k === i ? { ...v, ...patch } : v)),
      });
    expect(reason(withEntry(12_345, { cveID: 'CVE-2024-12' }))).toMatch(/vulnerabilities\.12345\.cveID/);
    expect(reason(withEntry(19_999, { dateAdded: '09/02/2024' }))).toMatch(/vulnerabilities\.19999\.dateAdded/);
    expect(reason(withEntry(3, { vendorProject: 42 }))).toMatch(/vulnerabilities\.3\.vendorProject/);
    expect(reason(withEntry(4, { shortDescription: 'x'.repeat(50_000) }))).toMatch(
      /vulnerabilities\.4\.shortDescription/,
    );
    const { requiredAction: _dropped, ...withoutAction } = generated.vulnerabilities[7] as Record<string, unknown>;
    expect(
      reason(
        JSON.stringify({
          ...generated,
          vulnerabilities: generated.vulnerabilities.map((v, k) => (k === 7 ? withoutAction : v)),
        }),
      ),
    ).toMatch(/vulnerabilities\.7\.requiredAction/);
    expect(reason(JSON.stringify({ ...generated, count: 19_999 }))).toMatch(/count/);
    expect(reason(JSON.stringify({ ...generated, count: '20000' }))).toMatch(/count/);
    expect(reason(JSON.stringify({ ...generated, dateReleased: 'hier' }))).toMatch(/dateReleased/);
    expect(reason(JSON.stringify({ ...generated, vulnerabilities: {} }))).toMatch(/vulnerabilities/);
    // Nesting far deeper than any catalogue, and a file over the size bound, are refused without trouble.
    expect(reason('['.repeat(200_000))).toMatch(/^catalogue KEV illisible/);
    expect(reason(' '.repeat(100 * 1024 * 1024 + 1))).toMatch(/trop volumineux/);
  });

  it('rejects malformed catalogues', () => {
    for (const bad of ['', '{', '[]', '{"title":"x"}', sample.replace('"CVE-2024-21762"', '"not-a-cve"'), '\u0000']) {
      expect(() => parseKevCatalogue(bad)).toThrow(KevError);
    }
  });
});
