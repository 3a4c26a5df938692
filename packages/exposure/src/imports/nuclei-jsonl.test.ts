import { describe, expect, it } from 'vitest';
import { ImportError } from './nmap-xml.js';
import { importNucleiJsonl } from './nuclei-jsonl.js';

const event = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    'template-id': 'CVE-2024-21762',
    info: {
      name: 'Fortinet FortiOS - Out-of-bounds Write',
      severity: 'critical',
      tags: ['cve', 'kev', 'fortinet'],
      classification: { 'cve-id': ['cve-2024-21762'] },
    },
    type: 'http',
    host: 'https://vpn.ch-exemple.fr',
    ip: '192.0.2.20',
    port: '443',
    'matched-at': 'https://vpn.ch-exemple.fr/remote/login',
    timestamp: '2026-11-20T10:00:00Z',
    ...over,
  });

describe('nuclei JSONL import', () => {
  it('reads results with template, severity, CVEs, IP and port', () => {
    const r = importNucleiJsonl(
      `${event()}\n${event({ 'template-id': 'tech-detect', info: { name: 'Tech', severity: 'info' }, ip: undefined, host: 'http://198.51.100.7:8080/' })}\n`,
    );
    expect(r.rejected).toEqual([]);
    expect(r.observations).toEqual([
      {
        kind: 'vulnerability',
        host: '192.0.2.20',
        port: 443,
        checkId: 'CVE-2024-21762',
        name: 'Fortinet FortiOS - Out-of-bounds Write',
        severity: 'critical',
        cves: ['CVE-2024-21762'],
        source: 'nuclei',
      },
      {
        kind: 'vulnerability',
        host: '198.51.100.7',
        port: 443,
        checkId: 'tech-detect',
        name: 'Tech',
        severity: 'info',
        cves: [],
        source: 'nuclei',
      },
    ]);
  });

  it('lists bad lines instead of dropping them silently', () => {
    const r = importNucleiJsonl(
      `${event()}\n{not json\n{"template-id":"x"}\n${event({ ip: 'nope', host: 'vpn.example.org' })}\n\u0000\u0001\n`,
    );
    expect(r.observations).toHaveLength(1);
    expect(r.rejected.map((x) => x.line)).toEqual([2, 3, 4, 5]);
  });

  it('fails with a code when nothing is readable', () => {
    for (const bad of ['garbage', '[1,2,3]', '{"info":{}}', `${'{'.repeat(50_000)}`]) {
      expect(() => importNucleiJsonl(bad), bad.slice(0, 20)).toThrow(ImportError);
    }
    expect(importNucleiJsonl('').observations).toEqual([]);
  });

  it('bounds the rejection list on a huge garbage file and reads 20,000 results', () => {
    const r = importNucleiJsonl(`${event()}\n${'x\n'.repeat(100_000)}`);
    expect(r.rejected).toHaveLength(1000);
    expect(importNucleiJsonl(Array.from({ length: 20_000 }, () => event()).join('\n')).observations).toHaveLength(
      20_000,
    );
  });
});
