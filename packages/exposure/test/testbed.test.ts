// Integration: a testbed built in a network namespace by this suite (see testbed.ts), scanned by Rempart and
// by nmap. Needs root, iproute2, openssh-server, samba, openssl and nmap: missing ones fail the suite.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importNmapXml } from '../src/imports/nmap-xml.js';
import { defaultRuleSet } from '../src/rules/rules.js';
import { type ExposureScanResult, scanExposure } from '../src/scan.js';
import { connectScan, type PortResult, parsePorts } from '../src/scanner/tcp-connect.js';
import { assertInScope, parseScope } from '../src/scope/scope.js';
import { buildTestbed, type Testbed } from './testbed.js';

const PORTS = parsePorts('1-1100,2575,3389,5900,5938,7070,8080,8443,11112');
// Ports whose answers the testbed drops silently (a filtering firewall): no RST, no SYN-ACK.
const DROPPED = [9, 1023];
let testbed: Testbed;
let result: ExposureScanResult;

beforeAll(async () => {
  testbed = await buildTestbed({ dropPorts: DROPPED });
  const scope = parseScope(JSON.stringify({ establishment: 'CH Testbed', domains: [], ranges: [testbed.cidr] }), {
    lab: true,
  });
  for (const a of testbed.addresses) assertInScope(scope, a);
  result = await scanExposure(testbed.addresses, PORTS, defaultRuleSet(), {
    concurrency: 256,
    timeoutMs: 1500,
    retries: 1,
    stateFile: join(testbed.dir, 'scan-state.json'),
  });
}, 180_000);

afterAll(() => testbed?.teardown());

describe('exposure scan of the namespace testbed', () => {
  it('finds exactly the planted open ports', () => {
    const open = result.ports.filter((p) => p.state === 'open').map((p) => `${p.host}:${p.port}`);
    expect(open.sort()).toEqual(testbed.services.map((s) => `${s.host}:${s.port}`).sort());
  });

  it('reports silently dropped ports filtered after one retry, every other port after one attempt', () => {
    const byState = (p: { port: number; state: string; attempts: number }) =>
      DROPPED.includes(p.port) ? `${p.state}/${p.attempts}` : p.state === 'filtered' ? 'filtered' : `${p.attempts}`;
    const seen = new Set(result.ports.map(byState));
    expect(seen).toEqual(new Set(['filtered/2', '1']));
    expect(result.ports).toHaveLength(testbed.addresses.length * PORTS.length);
  });

  it('gives the same port states and attempts through net.Socket as through raw handles', async () => {
    const key = (p: PortResult) => `${p.host}:${p.port} ${p.state}/${p.attempts}`;
    const sockets = await connectScan(testbed.addresses, PORTS, {
      concurrency: 256,
      timeoutMs: 1500,
      retries: 1,
      connector: 'socket',
    });
    expect(sockets.map(key).sort()).toEqual(result.ports.map(key).sort());
  }, 60_000);

  it('identifies each planted service', () => {
    const byKind = Object.fromEntries(testbed.services.map((s) => [s.kind, `${s.host}:${s.port}`]));
    const seen = Object.fromEntries(result.services.map((s) => [`${s.host}:${s.port}`, s.service]));
    expect(seen).toEqual({
      [byKind.http as string]: 'http',
      [byKind.https as string]: 'https',
      [byKind.ssh as string]: 'ssh',
      [byKind.telnet as string]: 'telnet',
      [byKind.smb as string]: 'microsoft-ds',
      [byKind.dicom as string]: 'dicom',
    });
    const https = result.services.find((s) => s.service === 'https');
    expect(https?.tls?.versions).toContain('TLSv1');
    expect(https?.tls?.certificate).toMatchObject({ expired: true, selfSigned: true, keyBits: 2048 });
    expect(result.services.find((s) => s.service === 'ssh')?.product).toMatch(/^SSH-2\.0-OpenSSH/);
    expect(result.services.find((s) => s.service === 'microsoft-ds')?.product).toMatch(/^SMB2/);
    expect(result.services.find((s) => s.service === 'dicom')?.product).toBe('A-ASSOCIATE-AC');
  });

  it('raises exactly the planted findings, each with its points', () => {
    const [http, https, ssh, telnet, smb, dicom] = testbed.services;
    const got = result.findings.map((f) => `${f.ruleId} ${f.host}:${f.port}`).sort();
    expect(got).toEqual(
      [
        `EXP-HTTP-HEADERS ${http?.host}:80`,
        `EXP-HTTP-HEADERS ${https?.host}:443`,
        `EXP-TLS-WEAK ${https?.host}:443`,
        `EXP-TLS-EXPIRED ${https?.host}:443`,
        `EXP-TLS-SELFSIGNED ${https?.host}:443`,
        `EXP-SSH ${ssh?.host}:22`,
        `EXP-TELNET ${telnet?.host}:23`,
        `EXP-SMB ${smb?.host}:445`,
        `EXP-DICOM ${dicom?.host}:104`,
      ].sort(),
    );
    for (const f of result.findings) expect(f.points).toBeGreaterThanOrEqual(0);
    expect(result.score.total).toBe(result.findings.reduce((n, f) => n + f.points, 0));
    expect(result.score.minimumLevel).toBe(false);
  });

  it('resumes from its state file without rescanning', async () => {
    const again = await scanExposure(testbed.addresses, PORTS, defaultRuleSet(), {
      stateFile: join(testbed.dir, 'scan-state.json'),
      onResult: () => {
        throw new Error('a resumed complete scan must not probe again');
      },
    });
    expect(again.findings.length).toBe(result.findings.length);
  });

  it('agrees with nmap -sT -sV -oX on the open ports', () => {
    const out = join(testbed.dir, 'nmap.xml');
    execFileSync(
      'nmap',
      ['-sT', '-sV', '--version-light', '-T4', '-Pn', '-n', '-p', PORTS.join(','), '-oX', out, ...testbed.addresses],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 170_000 },
    );
    const imported = importNmapXml(readFileSync(out, 'utf8'));
    const nmapOpen = imported.observations.filter((o) => o.kind === 'port').map((o) => `${o.host}:${o.port}`);
    const ours = result.ports.filter((p) => p.state === 'open').map((p) => `${p.host}:${p.port}`);
    expect(nmapOpen.sort()).toEqual(ours.sort());
  }, 180_000);
});
