import { describe, expect, it } from 'vitest';
import { type ImportError, importNmapXml } from './nmap-xml.js';

const sample = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sT -sV -oX - 192.0.2.1" start="1764370000" version="7.93" xmloutputversion="1.05">
<scaninfo type="connect" protocol="tcp" numservices="1000" services="1-1000"/>
<host starttime="1764370000" endtime="1764370010"><status state="up" reason="conn-refused" reason_ttl="0"/>
<address addr="192.0.2.1" addrtype="ipv4"/>
<hostnames><hostname name="pacs.ch-exemple.fr" type="user"/></hostnames>
<ports><extraports state="closed" count="996"><extrareasons reason="conn-refused" count="996"/></extraports>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="ssh" product="OpenSSH" version="9.2p1 Debian 2+deb12u3" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe></service></port>
<port protocol="tcp" portid="443"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="http" tunnel="ssl" method="probed" conf="10"/></port>
<port protocol="tcp" portid="104"><state state="open" reason="syn-ack" reason_ttl="0"/><service name="dicom" method="probed" conf="10"/></port>
<port protocol="tcp" portid="8080"><state state="filtered" reason="no-response" reason_ttl="0"/></port>
</ports></host>
<host><status state="up"/><address addr="2001:db8::5" addrtype="ipv6"/><address addr="00:11:22:33:44:55" addrtype="mac"/>
<ports><port protocol="tcp" portid="3389"><state state="open" reason="syn-ack"/></port></ports></host>
<runstats><finished time="1764370010" elapsed="10.00" exit="success"/><hosts up="2" down="0" total="2"/></runstats>
</nmaprun>`;

describe('nmap XML import', () => {
  it('reads open TCP ports with service, product and version', () => {
    const result = importNmapXml(sample);
    expect(result.startedAt).toBe('2025-11-28T22:46:40.000Z');
    expect(result.observations).toEqual([
      {
        kind: 'port',
        host: '192.0.2.1',
        port: 22,
        service: 'ssh',
        product: 'OpenSSH',
        version: '9.2p1 Debian 2+deb12u3',
        source: 'nmap',
      },
      { kind: 'port', host: '192.0.2.1', port: 443, service: 'https', source: 'nmap' },
      { kind: 'port', host: '192.0.2.1', port: 104, service: 'dicom', source: 'nmap' },
      { kind: 'port', host: '2001:db8::5', port: 3389, source: 'nmap' },
    ]);
  });

  it('rejects malformed, foreign, hostile and truncated files with a code', () => {
    const code = (t: string) => {
      try {
        importNmapXml(t);
      } catch (e) {
        return (e as ImportError).code;
      }
      return 'none';
    };
    expect(code('')).toBe('IMPORT_SYNTAX');
    expect(code(sample.slice(0, sample.length / 2))).toBe('IMPORT_SYNTAX');
    expect(code('<html><body/></html>')).toBe('IMPORT_SCHEMA');
    expect(code('<nmaprun scanner="masscan"/>')).toBe('IMPORT_SCHEMA');
    expect(code(sample.replace('portid="22"', 'portid="99999"'))).toBe('IMPORT_SCHEMA');
    expect(code('\u0000\u0001\u0002')).toBe('IMPORT_SYNTAX');
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "${'A'.repeat(1000)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><nmaprun scanner="nmap"><host><address addr="&b;" addrtype="ipv4"/></host></nmaprun>`;
    // Entities are never expanded: the address stays the literal '&b;', not an IP, so the host is ignored.
    expect(
      importNmapXml(
        bomb.replace('</host>', '<ports><port protocol="tcp" portid="1"><state state="open"/></port></ports></host>'),
      ).observations,
    ).toEqual([]);
  });

  it('reads a large scan (5,000 hosts) without trouble', () => {
    const host = (i: number) =>
      `<host><status state="up"/><address addr="198.51.${i >> 8}.${i & 255}" addrtype="ipv4"/><ports><port protocol="tcp" portid="443"><state state="open"/><service name="https"/></port></ports></host>`;
    const big = `<nmaprun scanner="nmap" start="1">${Array.from({ length: 5000 }, (_, i) => host(i)).join('')}</nmaprun>`;
    expect(importNmapXml(big).observations).toHaveLength(5000);
  });
});
