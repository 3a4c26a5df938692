import { type PeerCertificate, type SecureVersion, type TLSSocket, connect as tlsConnect } from 'node:tls';
import { type Banner, grabBanner, printableBanner } from './banner.js';

/** What a service on an open port was identified as, with the facts probes observed. */
export interface ServiceInfo {
  readonly host: string;
  readonly port: number;
  /** nmap-compatible service name where one exists: ssh, telnet, ftp, http, https, microsoft-ds, ms-wbt-server, dicom, hl7-mllp, unknown. */
  readonly service: string;
  readonly product?: string;
  readonly banner?: string;
  readonly http?: HttpFacts;
  readonly tls?: TlsFacts;
}

export interface HttpFacts {
  readonly status: number;
  readonly title?: string;
  readonly server?: string;
  readonly missingHeaders: string[];
  readonly redirectsToHttps: boolean;
  /** Redirect target (bounded), kept for fingerprints such as /remote/login or /+CSCOE+/. */
  readonly location?: string;
}

export interface TlsFacts {
  /** Protocol versions the server accepted, among TLSv1, TLSv1.1, TLSv1.2, TLSv1.3. */
  readonly versions: string[];
  readonly certificate?: {
    readonly subject: string;
    readonly issuer: string;
    readonly validTo: string;
    readonly expired: boolean;
    readonly selfSigned: boolean;
    readonly keyBits?: number;
    /** Set when a server name was given and the certificate does not cover it. */
    readonly nameMismatch?: boolean;
  };
}

export interface IdentifyOptions {
  /** Time allowed per probe connection. */
  readonly timeoutMs?: number;
  /** Server name for TLS SNI and the name-mismatch check. */
  readonly serverName?: string;
  readonly now?: Date;
}

const TLS_VERSIONS: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const SECURITY_HEADERS = ['content-security-policy', 'x-frame-options', 'x-content-type-options'];

/** A TLS connection bounded in time; resolves undefined when the handshake fails or hangs. */
function tlsHandshake(
  host: string,
  port: number,
  opts: {
    min?: SecureVersion;
    max?: SecureVersion;
    servername?: string;
    timeoutMs: number;
    send?: string;
    maxBytes?: number;
  },
): Promise<{ socket: TLSSocket; protocol: string | null; cert: PeerCertificate; reply: Buffer } | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    const maxBytes = opts.maxBytes ?? 65_536;
    const legacy = opts.max === 'TLSv1' || opts.max === 'TLSv1.1';
    const socket = tlsConnect({
      host,
      port,
      rejectUnauthorized: false,
      ...(opts.servername ? { servername: opts.servername } : {}),
      ...(opts.min ? { minVersion: opts.min } : {}),
      ...(opts.max ? { maxVersion: opts.max } : {}),
      ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    });
    let cert: PeerCertificate | undefined;
    let protocol: string | null = null;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(ok && cert ? { socket, protocol, cert, reply: Buffer.concat(chunks, size) } : undefined);
    };
    const timer = setTimeout(() => finish(cert !== undefined), opts.timeoutMs);
    socket.once('secureConnect', () => {
      cert = socket.getPeerCertificate(true);
      protocol = socket.getProtocol();
      if (opts.send === undefined) finish(true);
      else socket.write(opts.send);
    });
    socket.on('data', (c: Buffer) => {
      const room = maxBytes - size;
      chunks.push(c.subarray(0, room));
      size += Math.min(c.length, room);
      if (size >= maxBytes) finish(true);
    });
    socket.once('end', () => finish(true));
    socket.once('error', () => finish(cert !== undefined));
  });
}

function httpRequest(host: string): string {
  return `GET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: rempart-exposure\r\nAccept: */*\r\nConnection: close\r\n\r\n`;
}

/** Parses an HTTP response head (bounded input); undefined when it is not HTTP. */
export function parseHttpResponse(bytes: Buffer, https: boolean): HttpFacts | undefined {
  const text = bytes.subarray(0, 65_536).toString('latin1');
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(text);
  if (!m) return undefined;
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd >= 0 ? text.slice(0, headEnd) : text;
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n').slice(1, 200)) {
    const i = line.indexOf(':');
    if (i > 0)
      headers.set(
        line.slice(0, i).trim().toLowerCase(),
        line
          .slice(i + 1)
          .trim()
          .slice(0, 512),
      );
  }
  const title = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(text)?.[1]?.trim();
  const expected = https ? [...SECURITY_HEADERS, 'strict-transport-security'] : SECURITY_HEADERS;
  const status = Number(m[1]);
  const location = headers.get('location') ?? '';
  const server = headers.get('server');
  return {
    status,
    ...(title ? { title } : {}),
    ...(server ? { server } : {}),
    missingHeaders: expected.filter((h) => !headers.has(h)),
    redirectsToHttps: status >= 300 && status < 400 && /^https:\/\//i.test(location),
    ...(location ? { location: location.slice(0, 256) } : {}),
  };
}

function certificateFacts(cert: PeerCertificate, now: Date, serverName?: string): TlsFacts['certificate'] {
  const validTo = new Date(cert.valid_to);
  const name = (o: unknown) =>
    Object.entries((o ?? {}) as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
  const subject = name(cert.subject);
  const issuer = name(cert.issuer);
  const issuerCert = (cert as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
  const selfSigned = subject === issuer && (!issuerCert || issuerCert.fingerprint256 === cert.fingerprint256);
  let nameMismatch: boolean | undefined;
  if (serverName) {
    const names = (cert.subjectaltname ?? '').split(',').map((s) => s.trim().replace(/^DNS:/, '').toLowerCase());
    const cn = String((cert.subject as unknown as Record<string, unknown>)?.CN ?? '').toLowerCase();
    const want = serverName.toLowerCase();
    const covers = (n: string) =>
      n === want || (n.startsWith('*.') && want.endsWith(n.slice(1)) && want.split('.').length === n.split('.').length);
    nameMismatch = !(names.some(covers) || covers(cn));
  }
  return {
    subject,
    issuer,
    validTo: Number.isNaN(validTo.getTime()) ? cert.valid_to : validTo.toISOString(),
    expired: !Number.isNaN(validTo.getTime()) && validTo.getTime() < now.getTime(),
    selfSigned,
    ...(typeof cert.bits === 'number' ? { keyBits: cert.bits } : {}),
    ...(nameMismatch !== undefined ? { nameMismatch } : {}),
  };
}

/** Tries each TLS version alone; returns undefined when no version completes a handshake. */
export async function probeTls(
  host: string,
  port: number,
  options: IdentifyOptions = {},
): Promise<TlsFacts | undefined> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const versions: string[] = [];
  let cert: PeerCertificate | undefined;
  for (const v of TLS_VERSIONS) {
    const r = await tlsHandshake(host, port, {
      min: v,
      max: v,
      timeoutMs,
      ...(options.serverName ? { servername: options.serverName } : {}),
    });
    if (r) {
      versions.push(v);
      cert = r.cert;
    }
  }
  if (versions.length === 0) return undefined;
  const facts =
    cert && Object.keys(cert).length > 0
      ? certificateFacts(cert, options.now ?? new Date(), options.serverName)
      : undefined;
  return { versions, ...(facts ? { certificate: facts } : {}) };
}

/** SMB2 NEGOTIATE request (NetBIOS session framing), dialects 2.0.2–3.1.1 without contexts. */
export function smb2NegotiateRequest(): Buffer {
  const dialects = [0x0202, 0x0210, 0x0300, 0x0302];
  const header = Buffer.alloc(64);
  header.write('\xfeSMB', 0, 'latin1');
  header.writeUInt16LE(64, 4); // structure size
  header.writeUInt16LE(0, 12); // command NEGOTIATE
  const body = Buffer.alloc(36 + dialects.length * 2);
  body.writeUInt16LE(36, 0);
  body.writeUInt16LE(dialects.length, 2);
  body.writeUInt16LE(1, 4); // signing enabled
  for (let i = 0; i < 16; i++) body[12 + i] = (i * 37 + 11) & 0xff; // client GUID
  for (const [i, d] of dialects.entries()) body.writeUInt16LE(d, 36 + i * 2);
  const msg = Buffer.concat([header, body]);
  const nb = Buffer.alloc(4);
  nb.writeUInt32BE(msg.length, 0);
  return Buffer.concat([nb, msg]);
}

/** RDP X.224 Connection Request carrying an RDP_NEG_REQ (TLS | CredSSP). */
export function rdpConnectionRequest(): Buffer {
  const neg = Buffer.from([0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00]);
  const x224 = Buffer.concat([Buffer.from([6 + neg.length, 0xe0, 0, 0, 0, 0, 0]), neg]);
  const tpkt = Buffer.from([0x03, 0x00, 0x00, 4 + x224.length]);
  return Buffer.concat([tpkt, x224]);
}

function padAe(name: string): Buffer {
  return Buffer.from(name.padEnd(16, ' ').slice(0, 16), 'ascii');
}

function dicomItem(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h[0] = type;
  h.writeUInt16BE(value.length, 2);
  return Buffer.concat([h, value]);
}

/** DICOM A-ASSOCIATE-RQ proposing Verification (C-ECHO) with Implicit VR Little Endian. */
export function dicomAssociateRequest(calledAe = 'ANY-SCP', callingAe = 'REMPART'): Buffer {
  const appContext = dicomItem(0x10, Buffer.from('1.2.840.10008.3.1.1.1', 'ascii'));
  const abstract = dicomItem(0x30, Buffer.from('1.2.840.10008.1.1', 'ascii'));
  const transfer = dicomItem(0x40, Buffer.from('1.2.840.10008.1.2', 'ascii'));
  const pc = dicomItem(0x20, Buffer.concat([Buffer.from([1, 0, 0, 0]), abstract, transfer]));
  const maxLen = Buffer.alloc(4);
  maxLen.writeUInt32BE(16_384, 0);
  const user = dicomItem(0x50, dicomItem(0x51, maxLen));
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(1, 0);
  padAe(calledAe).copy(fixed, 4);
  padAe(callingAe).copy(fixed, 20);
  const body = Buffer.concat([fixed, appContext, pc, user]);
  const pdu = Buffer.alloc(6);
  pdu[0] = 0x01;
  pdu.writeUInt32BE(body.length, 2);
  return Buffer.concat([pdu, body]);
}

/** HL7 v2 ACK-provoking message framed in MLLP. */
export function hl7MllpProbe(): Buffer {
  const msh = 'MSH|^~\\&|REMPART|AUDIT|ANY|ANY|20260101000000||QRY^A19|RMP1|P|2.3\r';
  return Buffer.concat([Buffer.from([0x0b]), Buffer.from(msh, 'ascii'), Buffer.from([0x1c, 0x0d])]);
}

async function tryGrab(host: string, port: number, timeoutMs: number, send?: Buffer): Promise<Banner | undefined> {
  try {
    return await grabBanner(host, port, {
      totalTimeoutMs: timeoutMs,
      idleMs: 400,
      maxBytes: 65_536,
      ...(send ? { send } : {}),
    });
  } catch {
    return undefined;
  }
}

function classifyPassive(b: Buffer): Pick<ServiceInfo, 'service' | 'product'> | undefined {
  const text = b.toString('latin1');
  if (text.startsWith('SSH-')) {
    const line = text.split(/\r?\n/)[0] ?? '';
    return { service: 'ssh', product: printableBanner(Buffer.from(line, 'latin1'), 120) };
  }
  if (b[0] === 0xff && b.length >= 3 && b[1] !== undefined && b[1] >= 0xfb) return { service: 'telnet' };
  if (/^220[ -]/.test(text)) return /SMTP/i.test(text.split('\n')[0] ?? '') ? { service: 'smtp' } : { service: 'ftp' };
  if (/^\+OK/.test(text)) return { service: 'pop3' };
  if (/^[\x20-\x7e]*(login|username)\s*:/im.test(text)) return { service: 'telnet' };
  return undefined;
}

type ActiveProbe = 'tls' | 'http' | 'smb' | 'rdp' | 'dicom' | 'hl7';

function probeOrder(port: number): ActiveProbe[] {
  const hint: Partial<Record<number, ActiveProbe>> = {
    139: 'smb',
    445: 'smb',
    3389: 'rdp',
    104: 'dicom',
    11112: 'dicom',
    2575: 'hl7',
  };
  const base: ActiveProbe[] = ['tls', 'http', 'smb', 'rdp', 'dicom', 'hl7'];
  const first = hint[port];
  return first ? [first, ...base.filter((p) => p !== first)] : base;
}

/** Identifies the service on an open port: passive banner first, then active probes, each bounded in bytes and time. */
export async function identifyService(host: string, port: number, options: IdentifyOptions = {}): Promise<ServiceInfo> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const passive = await tryGrab(host, port, Math.min(timeoutMs, 1500));
  if (passive && passive.bytes.length > 0) {
    const kind = classifyPassive(passive.bytes);
    return {
      host,
      port,
      service: kind?.service ?? 'unknown',
      ...(kind?.product ? { product: kind.product } : {}),
      banner: printableBanner(passive.bytes),
    };
  }
  for (const probe of probeOrder(port)) {
    if (probe === 'tls') {
      const first = await tlsHandshake(host, port, {
        timeoutMs,
        send: httpRequest(options.serverName ?? host),
        ...(options.serverName ? { servername: options.serverName } : {}),
      });
      if (!first) continue;
      const tls = await probeTls(host, port, options);
      const http = parseHttpResponse(first.reply, true);
      return {
        host,
        port,
        service: http ? 'https' : 'ssl',
        ...(http?.server ? { product: http.server } : {}),
        ...(http ? { http } : {}),
        ...(tls ? { tls } : {}),
      };
    }
    if (probe === 'http') {
      const r = await tryGrab(host, port, timeoutMs, Buffer.from(httpRequest(host)));
      const http = r && parseHttpResponse(r.bytes, false);
      if (http) return { host, port, service: 'http', ...(http.server ? { product: http.server } : {}), http };
      continue;
    }
    if (probe === 'smb') {
      const r = await tryGrab(host, port, timeoutMs, smb2NegotiateRequest());
      if (r && r.bytes.length >= 8 && r.bytes.subarray(4, 8).toString('latin1') === '\xfeSMB') {
        const dialect = r.bytes.length >= 4 + 64 + 6 ? r.bytes.readUInt16LE(4 + 64 + 4) : undefined;
        return {
          host,
          port,
          service: 'microsoft-ds',
          product: `SMB2${dialect ? ` dialecte 0x${dialect.toString(16)}` : ''}`,
        };
      }
      if (r && r.bytes.length >= 8 && r.bytes.subarray(4, 8).toString('latin1') === '\xffSMB')
        return { host, port, service: 'microsoft-ds', product: 'SMB1' };
      continue;
    }
    if (probe === 'rdp') {
      const r = await tryGrab(host, port, timeoutMs, rdpConnectionRequest());
      if (r && r.bytes.length >= 6 && r.bytes[0] === 0x03 && r.bytes[1] === 0x00 && r.bytes[5] === 0xd0)
        return { host, port, service: 'ms-wbt-server' };
      continue;
    }
    if (probe === 'dicom') {
      const r = await tryGrab(host, port, timeoutMs, dicomAssociateRequest());
      if (r && r.bytes.length >= 6 && (r.bytes[0] === 0x02 || r.bytes[0] === 0x03) && r.bytes[1] === 0x00) {
        return { host, port, service: 'dicom', product: r.bytes[0] === 0x02 ? 'A-ASSOCIATE-AC' : 'A-ASSOCIATE-RJ' };
      }
      continue;
    }
    if (probe === 'hl7') {
      const r = await tryGrab(host, port, timeoutMs, hl7MllpProbe());
      if (r && r.bytes[0] === 0x0b && r.bytes.includes(Buffer.from('MSH'))) return { host, port, service: 'hl7-mllp' };
    }
  }
  return { host, port, service: 'unknown' };
}
