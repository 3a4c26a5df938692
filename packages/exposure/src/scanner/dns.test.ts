import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRuleSet, evaluate, score } from '../rules/rules.js';
import { checkDomain, countAnswers, observationsFromDomain } from './dns.js';

// A small authoritative-style DNS server on loopback, answering from a fixed zone table.
type Rr = { type: number; rdata: Buffer };
const txt = (s: string) => ({ type: 16, rdata: Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]) });
const mx = (pref: number, name: string) => {
  const labels = name.split('.').map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)]));
  const p = Buffer.alloc(2);
  p.writeUInt16BE(pref, 0);
  return { type: 15, rdata: Buffer.concat([p, ...labels, Buffer.from([0])]) };
};
const dnskey = { type: 48, rdata: Buffer.concat([Buffer.from([1, 1, 3, 13]), Buffer.alloc(64, 7)]) };
const ZONE: Record<string, Rr[]> = {
  'ch-exemple.test': [txt('v=spf1 mx -all'), mx(10, 'mail.ch-exemple.test'), dnskey],
  '_dmarc.ch-exemple.test': [txt('v=DMARC1; p=reject')],
  'ch-nu.test': [],
  'ch-tronque.test': [],
  // Mail records in place but no DNSKEY: the zone is not signed.
  'ch-nonsigne.test': [txt('v=spf1 -all')],
  '_dmarc.ch-nonsigne.test': [txt('v=DMARC1; p=quarantine')],
  // An alias: the DNSKEY question is answered by a CNAME, which is not a key.
  'ch-alias.test': [{ type: 5, rdata: Buffer.from([4, 0x61, 0x75, 0x74, 0x72, 4, 0x74, 0x65, 0x73, 0x74, 0]) }],
};

let server: Socket;
let port = 0;

function answer(msg: Buffer): Buffer | undefined {
  let o = 12;
  const labels: string[] = [];
  while (o < msg.length && msg[o] !== 0) {
    const len = msg[o] as number;
    labels.push(msg.subarray(o + 1, o + 1 + len).toString('ascii'));
    o += len + 1;
  }
  const qtype = msg.readUInt16BE(o + 1);
  const question = msg.subarray(12, o + 5);
  const name = labels.join('.').toLowerCase();
  if (name === 'ch-silence.test' || name.endsWith('.ch-silence.test')) return undefined;
  if (name === 'ch-bruit.test' || name.endsWith('.ch-bruit.test'))
    return Buffer.concat([msg.subarray(0, 2), Buffer.alloc(3000, 0xff)]);
  const records = ZONE[name];
  const header = Buffer.alloc(12);
  msg.copy(header, 0, 0, 2);
  const rrs = (records ?? []).filter((r) => r.type === qtype || r.type === 5);
  header.writeUInt16BE(0x8180 | (records === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rrs.length, 6);
  // A hostile answer to DNSKEY: it announces 65,535 records and carries one.
  if (name === 'ch-tronque.test' && qtype === 48) {
    header.writeUInt16BE(0xffff, 6);
    rrs.push(dnskey);
  }
  const body = rrs.map((r) => {
    const h = Buffer.alloc(12);
    h.writeUInt16BE(0xc00c, 0);
    h.writeUInt16BE(r.type, 2);
    h.writeUInt16BE(1, 4);
    h.writeUInt32BE(60, 6);
    h.writeUInt16BE(r.rdata.length, 10);
    return Buffer.concat([h, r.rdata]);
  });
  return Buffer.concat([header, question, ...body]);
}

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const reply = answer(msg);
    if (reply) server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
  port = server.address().port;
});

afterAll(() => server.close());

describe('checkDomain through a configured resolver', () => {
  it('reads SPF, DMARC, MX and DNSKEY presence', async () => {
    const facts = await checkDomain('ch-exemple.test', { servers: [`127.0.0.1:${port}`], timeoutMs: 1000 });
    expect(facts).toEqual({
      domain: 'ch-exemple.test',
      spf: 'v=spf1 mx -all',
      dmarc: 'v=DMARC1; p=reject',
      mx: ['mail.ch-exemple.test'],
      dnssec: true,
      errors: [],
    });
    expect(observationsFromDomain(facts)).toEqual([]);
  });

  it('reports missing SPF and DMARC as conditions', async () => {
    const facts = await checkDomain('ch-nu.test', { servers: [`127.0.0.1:${port}`], timeoutMs: 1000 });
    expect(facts).toMatchObject({ mx: [], dnssec: false, errors: [] });
    expect(observationsFromDomain(facts).map((o) => o.kind === 'condition' && o.condition)).toEqual([
      'dns-missing-spf',
      'dns-missing-dmarc',
      'dns-missing-dnssec',
    ]);
  });

  it('turns an unsigned zone into the DNSSEC finding with its points, and a signed one into none', async () => {
    const server = [`127.0.0.1:${port}`];
    const unsigned = await checkDomain('ch-nonsigne.test', { servers: server, timeoutMs: 1000 });
    expect(unsigned).toMatchObject({ spf: 'v=spf1 -all', dnssec: false, errors: [] });
    const findings = evaluate(defaultRuleSet(), observationsFromDomain(unsigned));
    expect(findings.map((f) => [f.ruleId, f.host, f.severity, f.points])).toEqual([
      ['EXP-DNSSEC', 'ch-nonsigne.test', 'low', 5],
    ]);
    expect(findings[0]?.title).toBe('Zone DNS non signée (DNSSEC absent)');
    expect(score(findings)).toMatchObject({ total: 5, minimumLevel: true });
    const signed = await checkDomain('ch-exemple.test', { servers: server, timeoutMs: 1000 });
    expect(evaluate(defaultRuleSet(), observationsFromDomain(signed))).toEqual([]);
  });

  it('does not take a CNAME answer for a key, nor trust an answer announcing more records than it holds', async () => {
    const server = [`127.0.0.1:${port}`];
    const alias = await checkDomain('ch-alias.test', { servers: server, timeoutMs: 1000 });
    expect(alias.dnssec).toBe(false);
    const hostile = await checkDomain('ch-tronque.test', { servers: server, timeoutMs: 1000 });
    expect(hostile.dnssec).toBeUndefined();
    expect(hostile.errors.some((e) => e.startsWith('DNSKEY ch-tronque.test'))).toBe(true);
    expect(
      observationsFromDomain(hostile).some((o) => o.kind === 'condition' && o.condition === 'dns-missing-dnssec'),
    ).toBe(false);
  });

  it('reads any byte string as a DNS answer within bounds: a count or a clear error', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 5000; i++) {
      const msg = Buffer.alloc(next() % 600);
      for (let k = 0; k < msg.length; k++) msg[k] = next() & 0xff;
      try {
        expect(countAnswers(msg, 48)).toBeGreaterThanOrEqual(0);
      } catch (e) {
        expect((e as Error).message).toMatch(/^réponse DNS (tronquée|malformée)$/);
      }
    }
  });

  it('does not conclude "missing" when the resolver stays silent or answers garbage', async () => {
    for (const domain of ['ch-silence.test', 'ch-bruit.test']) {
      const facts = await checkDomain(domain, { servers: [`127.0.0.1:${port}`], timeoutMs: 300 });
      expect(facts.errors.length).toBeGreaterThan(0);
      expect(observationsFromDomain(facts)).toEqual([]);
    }
  });
});
