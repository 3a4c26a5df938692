import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST, LoopbackListeners } from '../../test/loopback-listeners.js';
import { defaultEdgeFingerprints, kevFindings, parseKevCatalogue } from '../kev/kev.js';
import { observationsFromService } from '../scan.js';
import { dicomAssociateRequest, identifyService, parseHttpResponse, probeTls } from './identify.js';

const listeners = new LoopbackListeners();
const listen = listeners.listen.bind(listeners);

let http = 0;
let silent = 0;
let dicom = 0;
let garbage = 0;
let ssh = 0;
let forti = 0;
let rdp = 0;
let hl7 = 0;

beforeAll(async () => {
  http = await listen((s) =>
    s.once('data', () =>
      s.end(
        'HTTP/1.1 200 OK\r\nServer: test-httpd\r\nContent-Type: text/html\r\n\r\n<html><title>Portail</title></html>',
      ),
    ),
  );
  silent = await listen(() => {});
  dicom = await listen((s) =>
    s.once('data', (d: Buffer) => {
      // A-ASSOCIATE-RJ when the request looks like an A-ASSOCIATE-RQ.
      if (d[0] === 0x01) s.end(Buffer.from([0x03, 0x00, 0, 0, 0, 4, 0, 1, 1, 3]));
      else s.destroy();
    }),
  );
  garbage = await listen((s) => s.end(Buffer.alloc(200_000, 0x00)));
  ssh = await listen((s) => s.write('SSH-2.0-OpenSSH_9.2\r\n'));
  // RDP: X.224 Connection Confirm with RDP_NEG_RSP (TLS selected) to a Connection Request, nothing else.
  rdp = await listen((s) =>
    s.once('data', (d: Buffer) => {
      if (d[0] === 0x03 && d[5] === 0xe0)
        s.end(Buffer.from([3, 0, 0, 19, 14, 0xd0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 1, 0, 0, 0]));
      else s.destroy();
    }),
  );
  // HL7 MLLP: an ACK framed in MLLP to a framed message, nothing else.
  hl7 = await listen((s) =>
    s.once('data', (d: Buffer) => {
      if (d[0] === 0x0b)
        s.end(Buffer.from('\x0bMSH|^~\\&|RIS|CH|REMPART|AUDIT|20260101||ACK|1|P|2.3\rMSA|AA|RMP1\r\x1c\r', 'latin1'));
      else s.destroy();
    }),
  );
  // An SSL-VPN portal that answers like a FortiGate: redirect to /remote/login.
  forti = await listen((s) =>
    s.once('data', () => s.end('HTTP/1.1 302 Found\r\nLocation: /remote/login?lang=fr\r\nContent-Length: 0\r\n\r\n')),
  );
});

afterAll(() => listeners.closeAll());

describe('identifyService', () => {
  it('recognises plain HTTP and lists missing security headers', async () => {
    const info = await identifyService(HOST, http, { timeoutMs: 1000 });
    expect(info.service).toBe('http');
    expect(info.http?.title).toBe('Portail');
    expect(info.http?.server).toBe('test-httpd');
    expect(info.http?.missingHeaders).toEqual(['content-security-policy', 'x-frame-options', 'x-content-type-options']);
  });

  it('recognises an SSH banner', async () => {
    const info = await identifyService(HOST, ssh, { timeoutMs: 1000 });
    expect(info).toMatchObject({ service: 'ssh', product: 'SSH-2.0-OpenSSH_9.2' });
  });

  it('recognises a DICOM A-ASSOCIATE-RJ answer', async () => {
    const info = await identifyService(HOST, dicom, { timeoutMs: 1000 });
    expect(info).toMatchObject({ service: 'dicom', product: 'A-ASSOCIATE-RJ' });
  });

  it('recognises RDP by its X.224 Connection Confirm', async () => {
    expect((await identifyService(HOST, rdp, { timeoutMs: 1000 })).service).toBe('ms-wbt-server');
  });

  it('recognises an HL7 MLLP listener by its framed ACK', async () => {
    expect((await identifyService(HOST, hl7, { timeoutMs: 1000 })).service).toBe('hl7-mllp');
  });

  it('bounds a huge binary banner and does not classify it', async () => {
    const info = await identifyService(HOST, garbage, { timeoutMs: 1000 });
    expect(info.service).toBe('unknown');
    expect(info.banner?.length).toBeLessThan(2000);
  });

  it('gives up on a TLS handshake that hangs', async () => {
    expect(await probeTls(HOST, silent, { timeoutMs: 300 })).toBeUndefined();
    const info = await identifyService(HOST, silent, { timeoutMs: 300 });
    expect(info.service).toBe('unknown');
  });
});

describe('edge appliance fingerprint from probes', () => {
  it('recognises a FortiGate SSL-VPN redirect and ties it to the KEV catalogue entries', async () => {
    const info = await identifyService(HOST, forti, { timeoutMs: 1000 });
    expect(info.http).toMatchObject({ status: 302, location: '/remote/login?lang=fr' });
    const kev = parseKevCatalogue(
      readFileSync(new URL('../../test/fixtures/kev-sample.json', import.meta.url), 'utf8'),
    );
    const findings = kevFindings(observationsFromService(info), defaultEdgeFingerprints(), kev);
    expect(findings.map((f) => f.ruleId)).toEqual(['EXP-EDGE-KEV']);
    expect(findings[0]?.title).toContain('Fortinet');
    expect(findings[0]?.evidence).toContain(kev.dateReleased.slice(0, 10));
  });
});

describe('parseHttpResponse', () => {
  it('rejects non-HTTP and tolerates hostile heads', () => {
    expect(parseHttpResponse(Buffer.from('\x00\x01garbage'), false)).toBeUndefined();
    const hostile = Buffer.from(`HTTP/1.1 301 Moved\r\nLocation: https://x/\r\n${'X-A: b\r\n'.repeat(50_000)}\r\n`);
    const facts = parseHttpResponse(hostile, false);
    expect(facts).toMatchObject({ status: 301, redirectsToHttps: true });
  });

  it('builds a well-formed A-ASSOCIATE-RQ', () => {
    const pdu = dicomAssociateRequest();
    expect(pdu[0]).toBe(0x01);
    expect(pdu.readUInt32BE(2)).toBe(pdu.length - 6);
  });
});
