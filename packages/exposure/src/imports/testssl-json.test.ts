import { describe, expect, it } from 'vitest';
import type { ImportError } from './nmap-xml.js';
import { importTestsslJson } from './testssl-json.js';

const sample = JSON.stringify([
  { id: 'service', ip: 'intranet.ch-exemple.fr/192.0.2.10', port: '443', severity: 'INFO', finding: 'HTTP' },
  { id: 'SSLv3', ip: 'intranet.ch-exemple.fr/192.0.2.10', port: '443', severity: 'OK', finding: 'not offered' },
  {
    id: 'TLS1',
    ip: 'intranet.ch-exemple.fr/192.0.2.10',
    port: '443',
    severity: 'LOW',
    finding: 'offered (deprecated)',
  },
  {
    id: 'TLS1_1',
    ip: 'intranet.ch-exemple.fr/192.0.2.10',
    port: '443',
    severity: 'LOW',
    finding: 'offered (deprecated)',
  },
  {
    id: 'cert_chain_of_trust',
    ip: 'intranet.ch-exemple.fr/192.0.2.10',
    port: '443',
    severity: 'CRITICAL',
    finding: 'failed (self signed).',
  },
  {
    id: 'cert_expirationStatus',
    ip: 'intranet.ch-exemple.fr/192.0.2.10',
    port: '443',
    severity: 'CRITICAL',
    finding: 'expired',
  },
  { id: 'scanTime', ip: 'intranet.ch-exemple.fr/192.0.2.10', port: 443, severity: 'WARN', finding: '12' },
]);

const code = (t: string) => {
  try {
    importTestsslJson(t);
  } catch (e) {
    return (e as ImportError).code;
  }
  return 'none';
};

describe('testssl.sh JSON import', () => {
  it('maps offered legacy protocols, self-signed and expired certificates to conditions', () => {
    const obs = importTestsslJson(sample);
    expect(obs.map((o) => (o.kind === 'condition' ? [o.condition, o.host, o.port] : []))).toEqual([
      ['tls-legacy-protocol', '192.0.2.10', 443],
      ['tls-cert-self-signed', '192.0.2.10', 443],
      ['tls-cert-expired', '192.0.2.10', 443],
    ]);
    const legacy = obs[0];
    expect(legacy?.kind === 'condition' && legacy.detail).toMatch(/TLS1 .*TLS1_1/);
  });

  it('finds nothing in a clean result', () => {
    expect(
      importTestsslJson(
        JSON.stringify([{ id: 'TLS1_3', ip: '192.0.2.1', port: '443', severity: 'OK', finding: 'offered with final' }]),
      ),
    ).toEqual([]);
  });

  it('rejects malformed, truncated, foreign and hostile files with a code', () => {
    expect(code('')).toBe('IMPORT_SYNTAX');
    expect(code(sample.slice(0, 100))).toBe('IMPORT_SYNTAX');
    expect(code('{"Invocation":"testssl.sh"}')).toBe('IMPORT_SCHEMA');
    expect(code('[{"id":1}]')).toBe('IMPORT_SCHEMA');
    expect(code('\u0000\u00ff')).toBe('IMPORT_SYNTAX');
    expect(
      code(JSON.stringify([{ id: 'TLS1', ip: 'x'.repeat(1000), port: '443', severity: 'LOW', finding: 'offered' }])),
    ).toBe('IMPORT_SCHEMA');
    expect(
      importTestsslJson(
        JSON.stringify([{ id: 'TLS1', ip: 'not-an-ip', port: '443', severity: 'LOW', finding: 'offered' }]),
      ),
    ).toEqual([]);
    expect(code(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).not.toBe('none');
  });

  it('handles a large file', () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      id: 'TLS1',
      ip: `198.51.100.${i % 256}`,
      port: String(1 + (i >> 8)),
      severity: 'LOW',
      finding: 'offered',
    }));
    expect(importTestsslJson(JSON.stringify(rows))).toHaveLength(50_000);
  });
});
