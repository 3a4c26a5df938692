import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Observation } from '../model.js';

/** DNS facts about one declared domain. */
export interface DomainFacts {
  readonly domain: string;
  readonly spf?: string;
  readonly dmarc?: string;
  readonly mx: string[];
  /** DNSKEY records published at the apex; undefined when the question could not be answered. */
  readonly dnssec?: boolean;
  /** Lookups that failed for another reason than "no such record" (timeouts, refusals). */
  readonly errors: string[];
}

export interface DnsCheckOptions {
  /** Resolver addresses (`ip` or `ip:port`, `[v6]:port`); the system resolver when absent. */
  readonly servers?: readonly string[];
  readonly timeoutMs?: number;
}

const ABSENT = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

function splitServer(server: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (v6) return { host: v6[1] as string, port: Number(v6[2] ?? 53) };
  if (isIP(server) === 6) return { host: server, port: 53 };
  const [host = '', port] = server.split(':');
  return { host, port: Number(port ?? 53) };
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.');
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, 'ascii')])),
    Buffer.from([0]),
  ]);
}

/** Offset just past the (possibly compressed) name at `offset`; throws on a name running past the message. */
function skipName(msg: Buffer, offset: number): number {
  let o = offset;
  for (;;) {
    if (o >= msg.length) throw new Error('réponse DNS tronquée');
    const len = msg[o] as number;
    if (len === 0) return o + 1;
    // A compression pointer ends the name in place (RFC 1035 §4.1.4); what it points to is not followed.
    if ((len & 0xc0) === 0xc0) {
      if (o + 2 > msg.length) throw new Error('réponse DNS tronquée');
      return o + 2;
    }
    if ((len & 0xc0) !== 0) throw new Error('réponse DNS malformée');
    o += len + 1;
  }
}

/** Number of answer records of `type` in a DNS response, reading the question and answer sections within bounds. */
export function countAnswers(msg: Buffer, type: number): number {
  if (msg.length < 12) throw new Error('réponse DNS tronquée');
  const questions = msg.readUInt16BE(4);
  const answers = msg.readUInt16BE(6);
  let o = 12;
  for (let i = 0; i < questions; i++) o = skipName(msg, o) + 4;
  let count = 0;
  for (let i = 0; i < answers; i++) {
    o = skipName(msg, o);
    if (o + 10 > msg.length) throw new Error('réponse DNS tronquée');
    if (msg.readUInt16BE(o) === type) count++;
    o += 10 + msg.readUInt16BE(o + 8);
    if (o > msg.length) throw new Error('réponse DNS tronquée');
  }
  return count;
}

/**
 * Asks one server for DNSKEY (type 48) over UDP and returns how many DNSKEY records it answered (other
 * answer records, such as a CNAME or RRSIG, are not counted); node:dns cannot ask for DNSKEY.
 */
export function queryDnskeyCount(domain: string, server: string, timeoutMs: number): Promise<number> {
  const { host, port } = splitServer(server);
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const id = Math.floor(Math.random() * 0xffff);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(0x0100, 2); // RD
    header.writeUInt16BE(1, 4);
    // EDNS0 OPT with the DO bit, so a validating resolver returns DNSSEC records.
    header.writeUInt16BE(1, 10);
    const question = Buffer.concat([encodeName(domain), Buffer.from([0, 48, 0, 1])]);
    const opt = Buffer.from([0, 0, 41, 0x10, 0x00, 0, 0, 0x80, 0, 0, 0]);
    const timer = setTimeout(() => done(new Error('délai dépassé')), timeoutMs);
    const done = (err: Error | null, count?: number) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(count ?? 0);
    };
    socket.on('error', (e) => done(e));
    socket.on('message', (msg) => {
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return; // not ours: keep waiting
      const rcode = msg.readUInt16BE(2) & 0x0f;
      if (rcode === 3) return done(null, 0);
      if (rcode !== 0) return done(new Error(`rcode ${rcode}`));
      try {
        done(null, countAnswers(msg, 48));
      } catch (e) {
        done(e as Error);
      }
    });
    socket.send(Buffer.concat([header, question, opt]), port, host);
  });
}

/** SPF, DMARC, MX and DNSSEC presence for a declared domain, through the configured resolver. */
export async function checkDomain(domain: string, options: DnsCheckOptions = {}): Promise<DomainFacts> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (options.servers?.length) resolver.setServers([...options.servers]);
  const errors: string[] = [];
  const guard = async <T>(what: string, fn: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!ABSENT.has(code)) errors.push(`${what} : ${code || (e as Error).message}`);
      return empty;
    }
  };
  const txt = (name: string) =>
    guard(
      `TXT ${name}`,
      async () => (await resolver.resolveTxt(name)).map((r) => r.join('').slice(0, 2048)),
      [] as string[],
    );
  const [apexTxt, dmarcTxt, mx] = await Promise.all([
    txt(domain),
    txt(`_dmarc.${domain}`),
    guard(
      `MX ${domain}`,
      async () => (await resolver.resolveMx(domain)).map((r) => r.exchange).slice(0, 100),
      [] as string[],
    ),
  ]);
  const server = options.servers?.[0] ?? resolver.getServers()[0];
  let dnssec: boolean | undefined;
  if (server) {
    try {
      dnssec = (await queryDnskeyCount(domain, server, timeoutMs)) > 0;
    } catch (e) {
      errors.push(`DNSKEY ${domain} : ${(e as Error).message}`);
    }
  }
  const spf = apexTxt.find((t) => /^v=spf1(\s|$)/i.test(t));
  const dmarc = dmarcTxt.find((t) => /^v=DMARC1/i.test(t));
  return {
    domain,
    ...(spf ? { spf } : {}),
    ...(dmarc ? { dmarc } : {}),
    mx,
    ...(dnssec !== undefined ? { dnssec } : {}),
    errors,
  };
}

/** Conditions the rules read: missing SPF/DMARC/DNSSEC (not raised when the lookup itself failed). */
export function observationsFromDomain(facts: DomainFacts): Observation[] {
  const out: Observation[] = [];
  const failed = (what: string) => facts.errors.some((e) => e.startsWith(what));
  if (!facts.spf && !failed(`TXT ${facts.domain}`))
    out.push({
      kind: 'condition',
      host: facts.domain,
      condition: 'dns-missing-spf',
      detail: `aucun enregistrement SPF sur ${facts.domain}`,
      source: 'rempart',
    });
  if (!facts.dmarc && !failed(`TXT _dmarc.${facts.domain}`))
    out.push({
      kind: 'condition',
      host: facts.domain,
      condition: 'dns-missing-dmarc',
      detail: `aucun enregistrement DMARC sur _dmarc.${facts.domain}`,
      source: 'rempart',
    });
  // `dnssec` is undefined when the DNSKEY question went unanswered: no conclusion then.
  if (facts.dnssec === false)
    out.push({
      kind: 'condition',
      host: facts.domain,
      condition: 'dns-missing-dnssec',
      detail: `aucune clé DNSKEY publiée à l'apex de ${facts.domain}`,
      source: 'rempart',
    });
  return out;
}
